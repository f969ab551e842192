package dev.vigil.ingest.push;

import dev.vigil.tsdb.Labels;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/** The byte encoding of one group and of label sets, shared by the state file and the group journal (docs/format/push-groups.md). */
final class GroupCodec {
    private GroupCodec() {
    }

    static void writeGroup(DataOutputStream out, GroupView g, HashMap<String, Integer> strings) throws IOException {
        writeLabels(out, g.key(), strings);
        out.writeDouble(g.pushTimeSeconds());
        out.writeDouble(g.failureTimeSeconds());
        out.writeLong(g.pushStampMs());
        out.writeLong(g.failureStampMs());
        out.writeLong(g.lastPushMs());
        out.writeInt(g.families().size());
        for (GroupView.FamilyView f : g.families()) {
            writeString(out, f.name(), strings);
            writeString(out, f.type(), strings);
            out.writeBoolean(f.help() != null);
            if (f.help() != null) {
                writeString(out, f.help(), strings);
            }
            out.writeLong(f.timestampMs());
            out.writeInt(f.bodyLabels().length);
            for (int i = 0; i < f.bodyLabels().length; i++) {
                writeLabels(out, f.bodyLabels()[i], strings);
                out.writeDouble(f.values()[i]);
            }
        }
    }

    static GroupView readGroup(DataInputStream in, List<String> strings) throws IOException {
        Labels key = readLabels(in, strings);
        double pushTime = in.readDouble();
        double failTime = in.readDouble();
        long pushStamp = in.readLong();
        long failStamp = in.readLong();
        long lastPush = in.readLong();
        int nf = in.readInt();
        if (nf < 0) {
            throw new IOException("bad family count " + nf);
        }
        List<GroupView.FamilyView> fams = new ArrayList<>(Math.min(nf, 1024));
        for (int fi = 0; fi < nf; fi++) {
            String name = readString(in, strings);
            String type = readString(in, strings);
            String help = in.readBoolean() ? readString(in, strings) : null;
            long ts = in.readLong();
            int n = in.readInt();
            if (n < 0 || n > (1 << 26)) {
                throw new IOException("bad series count " + n);
            }
            Labels[] body = new Labels[n];
            Labels[] stored = new Labels[n];
            double[] values = new double[n];
            for (int i = 0; i < n; i++) {
                body[i] = readLabels(in, strings);
                stored[i] = PushGroups.merge(body[i], key);
                values[i] = in.readDouble();
            }
            fams.add(new GroupView.FamilyView(name, type, help, ts, body, stored, values));
        }
        return new GroupView(key, fams, pushTime, failTime, pushStamp, failStamp, lastPush);
    }

    static void writeLabels(DataOutputStream out, Labels l, HashMap<String, Integer> strings) throws IOException {
        writeVarint(out, l.size());
        for (int i = 0; i < l.size(); i++) {
            writeString(out, l.name(i), strings);
            writeString(out, l.value(i), strings);
        }
    }

    static Labels readLabels(DataInputStream in, List<String> strings) throws IOException {
        int n = readVarint(in);
        if (n < 0 || n > 10_000) {
            throw new IOException("bad label count " + n);
        }
        Labels.Builder b = Labels.builder();
        for (int i = 0; i < n; i++) {
            b.set(readString(in, strings), readString(in, strings));
        }
        return b.build();
    }

    /** 0 = a new string follows (UTF-8, length-prefixed) and joins the table; k = table entry k-1. */
    static void writeString(DataOutputStream out, String s, HashMap<String, Integer> strings) throws IOException {
        Integer id = strings.get(s);
        if (id != null) {
            writeVarint(out, id + 1);
            return;
        }
        strings.put(s, strings.size());
        writeVarint(out, 0);
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        writeVarint(out, b.length);
        out.write(b);
    }

    static String readString(DataInputStream in, List<String> strings) throws IOException {
        int k = readVarint(in);
        if (k > 0) {
            if (k > strings.size()) {
                throw new IOException("bad string reference " + k);
            }
            return strings.get(k - 1);
        }
        int len = readVarint(in);
        if (len < 0 || len > (1 << 24)) {
            throw new IOException("bad string length " + len);
        }
        byte[] b = in.readNBytes(len);
        if (b.length != len) {
            throw new IOException("truncated string");
        }
        String s = new String(b, java.nio.charset.StandardCharsets.UTF_8);
        strings.add(s);
        return s;
    }

    static void writeVarint(DataOutputStream out, int v) throws IOException {
        while ((v & ~0x7f) != 0) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    static int readVarint(InputStream in) throws IOException {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("truncated");
            }
            v |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IOException("bad varint");
    }
}
