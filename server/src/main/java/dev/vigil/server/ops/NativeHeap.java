package dev.vigil.server.ops;

import java.lang.management.ManagementFactory;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Returns the C heap's free pages to the system, through the JVM's own diagnostic command
 * ({@code System.trim_native_heap}, glibc's {@code malloc_trim}), callable from inside the process.
 *
 * <p>Why: the JVM's native allocations come and go in bursts (the JIT compilers' arenas, up to
 * 30 MiB while the server warms up; the collector's work lists during a cycle), and glibc keeps
 * freed memory in its per-thread arenas instead of giving it back: ≈ 20 MiB of a 290 MiB server
 * after three minutes of pushes were such free pages (docs/PERFORMANCE-tsdb-head.md).
 */
final class NativeHeap {
    private static final Logger LOG = Logger.getLogger(NativeHeap.class.getName());
    private static final String OPERATION = "systemTrimNativeHeap";
    /** The command's answer, e.g. {@code Trim native heap: RSS+Swap: 276M->257M (-19696K)}. */
    private static final Pattern FREED = Pattern.compile("\\(-(\\d+)([BKMG])\\)");

    private final MBeanServer server;
    private final ObjectName name;

    private NativeHeap(MBeanServer server, ObjectName name) {
        this.server = server;
        this.name = name;
    }

    /** The trimmer of this JVM, or null when it has no such command (not HotSpot, before 17.0.9, not glibc). */
    static NativeHeap find() {
        try {
            MBeanServer s = ManagementFactory.getPlatformMBeanServer();
            ObjectName n = new ObjectName("com.sun.management:type=DiagnosticCommand");
            for (MBeanOperationInfo o : s.getMBeanInfo(n).getOperations()) {
                if (o.getName().equals(OPERATION) && o.getSignature().length == 0) {
                    return new NativeHeap(s, n);
                }
            }
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.FINE, "no native heap trim in this JVM", e);
        }
        return null;
    }

    /** Trims now; the bytes given back as the command reports them (0 when it says nothing). */
    long trim() {
        try {
            return freedBytes(String.valueOf(server.invoke(name, OPERATION, new Object[0], new String[0])));
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.FINE, "native heap trim failed", e);
            return 0;
        }
    }

    /** Bytes freed according to the command's answer; 0 when it reports none or an increase. */
    static long freedBytes(String answer) {
        Matcher m = FREED.matcher(answer);
        if (!m.find()) {
            return 0;
        }
        long v = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "K" -> v << 10;
            case "M" -> v << 20;
            case "G" -> v << 30;
            default -> v;
        };
    }
}
