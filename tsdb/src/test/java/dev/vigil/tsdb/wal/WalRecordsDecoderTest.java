package dev.vigil.tsdb.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.tsdb.io.MalformedException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Malformed record bodies the fuzz targets found: each is reported as corruption, never a crash. */
class WalRecordsDecoderTest {
    /** Ten-byte uvarint of 2^63 + 1: reads as a negative long. */
    private static final byte[] HUGE = {(byte) 0x81, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x01};

    private static String decode(int type, byte[]... parts) {
        int len = 1;
        for (byte[] p : parts) {
            len += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(len);
        b.put((byte) type);
        for (byte[] p : parts) {
            b.put(p);
        }
        WalFuzzTest.Record r = new WalFuzzTest.Record();
        int to = len;
        return assertThrows(MalformedException.class, () -> new WalRecords.Decoder().decode(b, 0, to, r))
                .getMessage();
    }

    @Test
    void labelCountAbove2To63IsCorruption() {
        // Was NegativeArraySizeException: the count passed the "≤ 10,000" check as a negative long.
        assertEquals("series record with -9223372036854775807 labels", decode(WalRecords.SERIES, new byte[] {1}, HUGE));
    }

    @Test
    void sampleCountAbove2To63IsCorruption() {
        // Was handed to the handler as a negative count.
        assertEquals("samples record claims -9223372036854775807 samples", decode(WalRecords.SAMPLES, HUGE, new byte[] {0}));
    }

    @Test
    void stringLengthAbove2To63IsCorruption() {
        // Its low 32 bits (1) were taken as the length, so a garbage length read as a 1-byte string.
        String m = decode(WalRecords.METADATA, HUGE, new byte[] {'a', 0, 0, 0});
        assertEquals("string too long at 11", m);
    }

    @Test
    void stringLengthNear2To31IsCorruptionNotA2GiBAllocation() {
        // Length 2^31 - 2 after 2 bytes read: "pos + n > end" overflowed to negative and passed,
        // so the decoder tried to allocate a 2 GiB array (OutOfMemoryError).
        String m = decode(WalRecords.METADATA, new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 'a'});
        assertEquals("truncated data at 6", m);
    }
}
