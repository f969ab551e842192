package dev.vigil.server.remotewrite;

/**
 * The shard calculation, a simple form of Prometheus's (queue_manager.go calculateDesiredShards):
 * the send time per sample times the samples to send per second, being the store's append rate
 * plus 5 % of the backlog (append rate times the lag of the sent timestamps), so a backlog is
 * caught up over about 20 s. At most doubling or halving per step, within min..max shards; a
 * change within 30 % of the current count is not worth a reshard.
 */
final class ShardCount {
    private ShardCount() {
    }

    static int desired(int current, int min, int max, double secPerSample, double appendRate, double lagSeconds) {
        double want = secPerSample * (appendRate + 0.05 * appendRate * lagSeconds);
        // Capped steps: more shards raise the send latency the next estimate divides by (on a
        // busy machine, sharply), so a jump straight to the estimate overshoots.
        long d = Math.max((long) Math.ceil(current / 2.0), Math.min(2L * current, (long) Math.ceil(want)));
        return (int) Math.max(min, Math.min(max, d));
    }

    static boolean worthChanging(int current, int desired) {
        return desired != current && !(desired > current * 0.7 && desired < current * 1.3);
    }
}
