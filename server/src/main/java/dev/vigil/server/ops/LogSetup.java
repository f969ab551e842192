package dev.vigil.server.ops;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Console logging, one line per event in logfmt ({@code ts=… level=… logger=… msg="…"}) on stderr. */
public final class LogSetup {
    private LogSetup() {
    }

    /**
     * Keeps logging alive during shutdown hooks: the JDK's LogManager resets (silences) every
     * handler in its own hook, racing ours, so the last lines ("store closed") would be lost.
     * Installed with {@code -Djava.util.logging.manager} before any logger exists.
     */
    public static final class Manager extends java.util.logging.LogManager {
        @Override
        public void reset() {
            // only on explicit configure(); the JVM's shutdown reset is ignored
        }
    }

    /** Must run before the first logger is created. */
    public static void installManager() {
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", Manager.class.getName());
        }
    }

    public static void configure(String level) {
        Level l = switch (level) {
            case "debug" -> Level.FINE;
            case "warn" -> Level.WARNING;
            case "error" -> Level.SEVERE;
            default -> Level.INFO;
        };
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler h = new ConsoleHandler();
        h.setLevel(l);
        h.setFormatter(new LineFormatter());
        root.addHandler(h);
        root.setLevel(l);
        // Undertow, XNIO and the map library (through SLF4J) announce themselves at info; keep
        // start-up to our own lines unless debug asks for everything.
        Level libraries = l.intValue() < Level.INFO.intValue() ? l : Level.WARNING;
        for (Logger lib : Libraries.LOGGERS) {
            lib.setLevel(libraries);
        }
    }

    /**
     * Strong references: the log manager holds loggers weakly, and a collected one forgets its
     * level. A holder, so that loading LogSetup for {@link #installManager} creates no logger.
     */
    private static final class Libraries {
        static final Logger[] LOGGERS = {
            Logger.getLogger("org.xnio"), Logger.getLogger("io.undertow"), Logger.getLogger("net.openhft")};
    }

    /** logfmt; a stack trace, when present, follows as an escaped {@code err} field on the same line. */
    static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(160);
            sb.append("ts=").append(Instant.ofEpochMilli(r.getMillis()));
            sb.append(" level=").append(level(r.getLevel()));
            String name = r.getLoggerName() == null ? "" : r.getLoggerName();
            sb.append(" logger=").append(name.substring(name.lastIndexOf('.') + 1));
            sb.append(" msg=");
            quote(formatMessage(r), sb);
            if (r.getThrown() != null) {
                StringWriter w = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(w));
                sb.append(" err=");
                quote(w.toString(), sb);
            }
            return sb.append('\n').toString();
        }

        private static String level(Level l) {
            if (l.intValue() >= Level.SEVERE.intValue()) {
                return "error";
            }
            if (l.intValue() >= Level.WARNING.intValue()) {
                return "warn";
            }
            return l.intValue() >= Level.INFO.intValue() ? "info" : "debug";
        }

        private static void quote(String s, StringBuilder sb) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\t' -> sb.append("\\t");
                    case '\r' -> { }
                    default -> sb.append(c);
                }
            }
            sb.append('"');
        }
    }
}
