package dev.vigil.server.remotewrite;

import dev.vigil.ingest.relabel.Relabeler;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.wal.WalRecords;
import dev.vigil.tsdb.wal.WalTail;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One remote's queue: a thread follows the WAL ({@link WalTail}) from the position this remote
 * saved, maps each series record to the labels it is sent with (external labels added, then
 * {@code write_relabel_configs}, once per series), and hands samples to the shards. The position
 * is saved (durably, in the data folder) only once every sample before it has been sent or
 * dropped for good, so a receiver outage or a Vigil crash resumes where sending stopped: samples
 * may go out twice, never not at all, as long as the WAL still holds them.
 */
final class QueueManager implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(QueueManager.class.getName());
    /** How often a reachable position is saved. */
    static final long SAVE_EVERY_MS = 1_000;
    /** Prometheus's shardUpdateDuration. */
    static final long RESHARD_EVERY_MS = 10_000;

    final RemoteWriteConfig cfg;
    final QueueMetrics m = new QueueMetrics();
    private final Db db;
    private final Labels external;
    private final String userAgent;
    private final RemoteClient client;
    private final Relabeler relabeler;
    /** Each series as sent, by ref; a new one when reading starts over (a rewind). */
    private volatile SeriesTable series = new SeriesTable();
    private final Map<String, Metadata> metadata = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean running = true;
    private volatile Shard[] shards;
    private WalTail tail;
    /** Positions read so far with the shards' enqueued counts at that moment; saved once the shards are done with them. */
    private final ArrayDeque<Mark> marks = new ArrayDeque<>();
    private WalTail.Position saved;
    private long lastMarkMs;
    private long lastReshardMs = System.currentTimeMillis();
    private long lastMetadataMs;
    private long inAtReshard;
    private long sentAtReshard;
    private long nanosAtReshard;
    private double inRate = -1;
    /** Set when a samples record was only partly queued (stopping): the position after it must not be saved. */
    private volatile boolean cutShort;
    /** Where the reader stopped after whole records, for close to save once the shards have sent them. */
    private volatile WalTail.Position stoppedAt;

    private record Mark(WalTail.Position pos, long[] enqueued) {
    }

    QueueManager(RemoteWriteConfig cfg, Db db, Labels external, String userAgent) {
        this.cfg = cfg;
        this.db = db;
        this.external = external;
        this.userAgent = userAgent;
        this.client = new RemoteClient(cfg, userAgent);
        this.relabeler = cfg.writeRelabel().relabeler();
        m.shardsDesired = cfg.queue().minShards();
        this.shards = newShards(cfg.queue().minShards());
        this.reader = new Thread(this::run, "remote-write-" + cfg.name());
        reader.setDaemon(true);
        reader.start();
    }

    private Shard[] newShards(int n) {
        Shard[] s = new Shard[n];
        for (int i = 0; i < n; i++) {
            s[i] = new Shard(cfg, client, m, series, "remote-write-" + cfg.name() + "-shard-" + i);
        }
        m.shards = n;
        return s;
    }

    int pending() {
        int n = 0;
        for (Shard s : shards) {
            n += s.pending();
        }
        return n;
    }

    WalTail.Position savedPosition() {
        return saved;
    }

    private void run() {
        try {
            tail = db.tailWal(cfg.positionName());
            WalTail.Position from = tail.position();
            LOG.info(cfg + ": sending from WAL segment " + from.segment() + " offset " + from.offset());
            Handler h = new Handler();
            while (running) {
                // Small steps: the position is noted and the shards recounted between polls, and a
                // poll blocks while the shards are full.
                int n = tail.poll(h, 64 << 10);
                long now = System.currentTimeMillis();
                if (now - lastMarkMs >= SAVE_EVERY_MS || n == 0) {
                    mark(now);
                }
                if (now - lastReshardMs >= RESHARD_EVERY_MS) {
                    reshard(now);
                }
                if (cfg.metadata().send() && now - lastMetadataMs >= cfg.metadata().sendIntervalMs() && !metadata.isEmpty()) {
                    lastMetadataMs = now;
                    sendMetadata();
                }
                if (n == 0) {
                    Thread.sleep(20);
                }
            }
            if (!cutShort) {
                stoppedAt = tail.position();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            LOG.log(Level.SEVERE, cfg + ": following the WAL failed; this remote stops until the next reload", e);
            m.lastError = "WAL follower failed: " + e;
        }
    }

    /** Notes the position reached and saves the newest noted one that every shard has finished. */
    private void mark(long now) throws java.io.IOException {
        lastMarkMs = now;
        Shard[] s = shards;
        WalTail.Position p = tail.position();
        if (marks.isEmpty() || !marks.peekLast().pos().equals(p)) {
            long[] enq = new long[s.length];
            for (int i = 0; i < s.length; i++) {
                enq[i] = s[i].enqueued.get();
            }
            marks.addLast(new Mark(p, enq));
        }
        Mark done = null;
        while (!marks.isEmpty() && finished(s, marks.peekFirst())) {
            done = marks.pollFirst();
        }
        if (done != null && !done.pos().equals(saved)) {
            save(done.pos());
        }
    }

    private static boolean finished(Shard[] s, Mark mk) {
        for (int i = 0; i < s.length; i++) {
            if (s[i].done.get() < mk.enqueued()[i]) {
                return false;
            }
        }
        return true;
    }

    private void save(WalTail.Position p) throws java.io.IOException {
        db.saveTailPosition(cfg.positionName(), tail, p);
        saved = p;
    }

    /**
     * Every 10 s: the shard count {@link ShardCount} asks for, from the send time per sample of
     * the last interval, the store's append rate (smoothed; not the rate read from the WAL, which
     * the shards themselves throttle) and the lag of the sent timestamps. Nothing changes while
     * sends fail (more shards would not help) or when nothing was sent. To change, the shards
     * send what they hold and stop, the position is saved and new shards start, so each series
     * stays in order.
     */
    private void reshard(long now) throws Exception {
        double secs = (now - lastReshardMs) / 1000.0;
        lastReshardMs = now;
        long in = db.samplesAppended();
        long sent = m.samplesTotal.sum();
        long nanos = m.batchNanos.get();
        double rate = inAtReshard == 0 ? 0 : (in - inAtReshard) / secs;
        inRate = inRate < 0 ? rate : 0.2 * rate + 0.8 * inRate;
        long hiSent = m.highestSentMs.get();
        double lagS = hiSent == Long.MIN_VALUE ? 0 : Math.max(0, (db.headMaxT() - hiSent) / 1000.0);
        long sentDelta = sent - sentAtReshard;
        long nanosDelta = nanos - nanosAtReshard;
        inAtReshard = in;
        sentAtReshard = sent;
        nanosAtReshard = nanos;
        if (sentDelta <= 0 || now - m.lastSendErrorMs < RESHARD_EVERY_MS) {
            return;
        }
        Shard[] cur = shards;
        int n = cur.length;
        // Time a sample takes in one shard (the shards send in parallel).
        double secPerSample = nanosDelta / 1e9 / sentDelta;
        int desired = ShardCount.desired(n, cfg.queue().minShards(), cfg.queue().maxShards(), secPerSample, inRate, lagS);
        m.shardsDesired = desired;
        if (!ShardCount.worthChanging(n, desired)) {
            return;
        }
        LOG.info(cfg + ": resharding from " + n + " to " + desired + " shards");
        for (Shard s : cur) {
            if (!s.drain(cfg.remoteTimeoutMs() * 2)) {
                LOG.warning(cfg + ": a shard did not drain in time; its samples go out again from the saved position");
                // Drop everything read since the saved position: it is read again.
                abortAndRewind(cur);
                return;
            }
        }
        marks.clear();
        save(tail.position());
        shards = newShards(desired);
    }

    private void abortAndRewind(Shard[] cur) throws java.io.IOException {
        for (Shard s : cur) {
            s.abort();
        }
        marks.clear();
        WalTail.Position from = saved;
        tail.close();
        series = new SeriesTable();
        tail = db.tailWal(cfg.positionName());
        LOG.info(cfg + ": rewound to " + (from == null ? "the saved position" : from));
        shards = newShards(cur.length);
    }

    private void sendMetadata() {
        WriteRequestEncoder enc = new WriteRequestEncoder();
        int[] clen = new int[1];
        int n = 0;
        try {
            for (Map.Entry<String, Metadata> e : metadata.entrySet()) {
                enc.metadata(e.getKey(), e.getValue());
                if (++n == cfg.metadata().maxSamplesPerSend()) {
                    postMetadata(enc, n, clen);
                    enc.reset();
                    n = 0;
                }
            }
            if (n > 0) {
                postMetadata(enc, n, clen);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.io.IOException e) {
            LOG.log(Level.WARNING, cfg + ": metadata not sent", e);
        }
    }

    /** Metadata is sent once per interval without retries: the next interval sends it again. */
    private void postMetadata(WriteRequestEncoder enc, int n, int[] clen) throws java.io.IOException, InterruptedException {
        byte[] body = enc.snappy(clen);
        m.metadataTotal.add(n);
        m.metadataBytes.add(clen[0]);
        if (client.post(body, clen[0]).outcome() != RemoteClient.Outcome.OK) {
            m.metadataFailed.add(n);
        }
    }

    /**
     * Stops reading, lets the shards send what they hold for a few seconds, and saves the position
     * if they did; otherwise the samples since the last save go out again at the next start.
     */
    @Override
    public void close() {
        running = false; // not interrupt(): that would close the WAL follower's channel mid-read
        try {
            reader.join(10_000);
            Shard[] cur = shards;
            boolean drained = true;
            for (Shard s : cur) {
                drained &= s.drain(5_000);
            }
            WalTail.Position end = stoppedAt;
            if (drained && end != null && !reader.isAlive()) {
                save(end);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.log(Level.WARNING, cfg + ": saving the position at close failed; samples since the last save go out again", e);
        } finally {
            for (Shard s : shards) {
                s.abort();
            }
            client.close();
            try {
                if (tail != null) {
                    tail.close();
                }
            } catch (java.io.IOException e) {
                LOG.log(Level.FINE, "closing the WAL follower", e);
            }
        }
    }

    /** WAL records → sendable samples. Runs on the reader thread. */
    private final class Handler implements WalRecords.Handler {
        @Override
        public void series(long ref, Labels labels) {
            Labels l = withExternal(labels);
            l = relabeler.process(l);
            if (ref > 0 && ref < SeriesTable.MAX_REF) {
                series.put(ref, l == null || l.size() == 0 ? SeriesTable.DROPPED : WriteRequestEncoder.series(l));
            }
        }

        private int[] sid = new int[1024];
        private int[] order = new int[1024];

        @Override
        public void samples(long[] refs, long[] ts, long[] bits, int n) {
            Shard[] s = shards;
            m.samplesIn.add(n);
            if (sid.length < n) {
                sid = new int[n];
                order = new int[n];
            }
            // Resolve and route every sample first, then hand each shard its samples in one go
            // (one lock per shard and record, not per sample), in WAL order within the shard.
            int[] counts = new int[s.length + 1];
            long hi = Long.MIN_VALUE;
            SeriesTable table = series;
            for (int i = 0; i < n; i++) {
                byte[] l = table.get(refs[i]);
                hi = Math.max(hi, ts[i]);
                if (l == null || l == SeriesTable.DROPPED) {
                    m.samplesDropped.increment();
                    sid[i] = -1;
                    continue;
                }
                int k = (int) Long.remainderUnsigned(refs[i] * 0x9E3779B97F4A7C15L >>> 16, s.length);
                sid[i] = k;
                counts[k + 1]++;
            }
            for (int k = 0; k < s.length; k++) {
                counts[k + 1] += counts[k];
            }
            int[] fill = counts.clone();
            for (int i = 0; i < n; i++) {
                if (sid[i] >= 0) {
                    order[fill[sid[i]]++] = i;
                }
            }
            for (int k = 0; k < s.length; k++) {
                int from = counts[k];
                int to = counts[k + 1];
                while (from < to) {
                    from += s[k].offer(refs, ts, bits, order, from, to);
                    if (from == to) {
                        break;
                    }
                    m.enqueueRetries.increment();
                    if (!running) {
                        cutShort = true;
                        return;
                    }
                    try {
                        s[k].awaitRoom(100); // bounded, so a stop is noticed
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        running = false;
                        cutShort = true;
                        return;
                    }
                }
            }
            QueueMetrics.max(m.highestReadMs, hi);
        }

        @Override
        public void metadata(String family, Metadata md) {
            metadata.put(family, md);
        }
    }

    /** Prometheus's processExternalLabels: an external label is added unless the series has that name already. */
    private Labels withExternal(Labels l) {
        if (external.size() == 0) {
            return l;
        }
        Map<String, String> out = new java.util.TreeMap<>();
        for (int i = 0; i < external.size(); i++) {
            out.put(external.name(i), external.value(i));
        }
        for (int i = 0; i < l.size(); i++) {
            out.put(l.name(i), l.value(i));
        }
        return Labels.of(out);
    }
}
