package dev.vigil.tsdb.prometheus;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** A cursor over a mapped Prometheus file: Go's varints, big-endian integers and CRC32C (Castagnoli) checks. */
final class Bytes {
    final ByteBuffer buf;
    final String file;
    int pos;

    Bytes(ByteBuffer buf, String file) {
        this.buf = buf;
        this.file = file;
    }

    int u8() {
        return buf.get(pos++) & 0xff;
    }

    int be32() {
        int v = buf.getInt(pos);
        pos += 4;
        return v;
    }

    long be64() {
        long v = buf.getLong(pos);
        pos += 8;
        return v;
    }

    long uvarint() throws PromFormatException {
        long out = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= buf.limit()) {
                throw bad("varint runs past the end at offset " + pos);
            }
            int x = buf.get(pos++) & 0xff;
            out |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return out;
            }
        }
        throw bad("varint longer than 10 bytes at offset " + pos);
    }

    long varint() throws PromFormatException {
        long zz = uvarint();
        return (zz >>> 1) ^ -(zz & 1);
    }

    String string(int len) throws PromFormatException {
        if (len < 0 || pos + len > buf.limit()) {
            throw bad("string of " + len + " bytes runs past the end at offset " + pos);
        }
        byte[] b = new byte[len];
        buf.get(pos, b);
        pos += len;
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Checks the big-endian CRC32C stored at {@code at} against the bytes {@code [from, at)}. */
    void checkCrc(int from, int at, String what) throws PromFormatException {
        if (from < 0 || at + 4 > buf.limit() || at < from) {
            throw bad(what + " at offset " + from + " runs past the end");
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.slice(from, at - from));
        if ((int) crc.getValue() != buf.getInt(at)) {
            throw bad(what + " at offset " + from + ": checksum mismatch");
        }
    }

    PromFormatException bad(String message) {
        return new PromFormatException(file + ": " + message);
    }
}
