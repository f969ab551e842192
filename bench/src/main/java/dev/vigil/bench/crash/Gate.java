package dev.vigil.bench.crash;

/** Lets clients run while the server is up and checked; the coordinator waits until all of them are parked. */
final class Gate {
    private final int clients;
    private boolean open;
    private long generation;
    private int parked;
    private boolean stopped;

    Gate(int clients) {
        this.clients = clients;
    }

    /** A client waits here until the gate opens (after a failed request: until the next generation). */
    synchronized boolean await(boolean failed) throws InterruptedException {
        long g = generation;
        parked++;
        notifyAll();
        try {
            while (!stopped && (!open || (failed && generation == g))) {
                wait();
            }
        } finally {
            parked--;
        }
        return !stopped;
    }

    synchronized void open() {
        open = true;
        generation++;
        notifyAll();
    }

    synchronized void close() {
        open = false;
    }

    synchronized boolean isOpen() {
        return open && !stopped;
    }

    synchronized void stop() {
        stopped = true;
        notifyAll();
    }

    /** Waits until every client is parked; false on timeout. */
    synchronized boolean awaitAllParked(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (parked < clients) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }
}
