package dev.vigil.tsdb.io;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** A growable byte array with the varint, big-endian and string writers every file format uses. */
public final class ByteOut {
    private byte[] buf;
    private int len;

    public ByteOut(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    public void reset() {
        len = 0;
    }

    public int length() {
        return len;
    }

    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /** The bytes written so far, without copying. */
    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(buf, 0, len);
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    public ByteOut putByte(int b) {
        ensure(1);
        buf[len++] = (byte) b;
        return this;
    }

    public ByteOut putBytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    public ByteOut putInt(int v) {
        ensure(4);
        setInt(len, v);
        len += 4;
        return this;
    }

    public ByteOut putLong(long v) {
        putInt((int) (v >>> 32));
        return putInt((int) v);
    }

    /** Overwrites 4 bytes at an earlier position. */
    public void setInt(int pos, int v) {
        buf[pos] = (byte) (v >>> 24);
        buf[pos + 1] = (byte) (v >>> 16);
        buf[pos + 2] = (byte) (v >>> 8);
        buf[pos + 3] = (byte) v;
    }

    public ByteOut putUvarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
        return this;
    }

    public ByteOut putVarint(long v) {
        return putUvarint(zigzag(v));
    }

    /** A uvarint length, then the UTF-8 bytes. */
    public ByteOut putString(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        putUvarint(b.length);
        return putBytes(b, 0, b.length);
    }

    /** CRC32C of {@code [from, to)}. */
    public int crc(int from, int to) {
        CRC32C c = new CRC32C();
        c.update(buf, from, to - from);
        return (int) c.getValue();
    }

    public static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    public static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    /** Bytes a uvarint of {@code v} takes. */
    public static int uvarintSize(long v) {
        int bits = 64 - Long.numberOfLeadingZeros(v | 1);
        return (bits + 6) / 7;
    }
}
