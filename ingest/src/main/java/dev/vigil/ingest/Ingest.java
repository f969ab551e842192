package dev.vigil.ingest;

import dev.vigil.ingest.push.GroupView;
import dev.vigil.ingest.push.PushGroups;
import dev.vigil.ingest.push.PushOptions;
import dev.vigil.ingest.text.Bodies;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Storage;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * What can be written into the store from outside: pushes to groups, remote-write bodies and
 * imports of text with timestamps. Refusals are {@link IngestException}s; an {@link IOException}
 * means the store could not commit.
 */
public interface Ingest extends Closeable {
    /** What a push does to its group: replace it, replace the families it carries, remove it. */
    enum Method {
        PUT, POST, DELETE
    }

    /**
     * One push: the body is {@code body[0, length)} (decoded, any content encoding removed), owned
     * by the caller and not kept after {@link Ingest#push} returns; empty for DELETE.
     */
    record Push(Labels group, Method method, byte[] body, int length, String contentType) {
    }

    /** How a push was taken. */
    enum PushResult {
        /** Checked against every group and committed. */
        APPLIED,
        /** Taken without the consistency check (refusals only show in {@code push_failure_time_seconds}), or a group removed. */
        ACCEPTED
    }

    /** Samples stored by a remote write or import. */
    record Stored(long samples) {
    }

    PushResult push(Push push) throws IngestException, IOException;

    /** Checks a remote write's headers before its body is read. */
    void checkRemoteWrite(String contentType, String contentEncoding, String version) throws IngestException;

    /** Stores a remote-write body ({@code body[0, length)}, snappy-compressed), all or nothing. */
    Stored remoteWrite(byte[] body, int length) throws IngestException, IOException;

    /**
     * Stores text with timestamps as it streams in, batch by batch: a refusal leaves the batches
     * before it stored.
     *
     * @param extraLabels {@code name=value} pairs added to every sample
     */
    Stored importText(InputStream in, String contentType, String contentEncoding, List<String> extraLabels)
            throws IngestException, IOException;

    /** Every push group, in key order. */
    List<GroupView> groups();

    /** Removes every push group; returns how many. */
    int wipe() throws IOException;

    PushOptions options();

    /** Why the push group state could not be used at start, or null. */
    String stateWarning();

    /** A body decoded per its {@code Content-Encoding}; see {@link IngestException#ofRead} for its read errors. */
    static InputStream decoded(InputStream in, String contentEncoding) throws IngestException, IOException {
        try {
            return Bodies.decode(in, contentEncoding);
        } catch (IOException e) {
            IngestException bad = IngestException.ofRead(e);
            if (bad != null) {
                throw bad;
            }
            throw e;
        }
    }

    /** Pushes, remote writes and imports into {@code storage}, with push groups per {@code options}. */
    static Ingest open(Storage storage, PushOptions options, LongSupplier clock) {
        return new StoreIngest(storage, new PushGroups(storage, options, clock));
    }
}
