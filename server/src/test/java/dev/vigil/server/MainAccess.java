package dev.vigil.server;

import java.io.PrintStream;

/** Lets tests in other packages run the command line as {@code java -jar vigil.jar} would. */
public final class MainAccess {
    private MainAccess() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Main.run(args, out, err);
    }
}
