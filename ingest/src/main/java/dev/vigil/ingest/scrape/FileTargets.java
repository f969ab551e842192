package dev.vigil.ingest.scrape;

import dev.vigil.ingest.relabel.LabelNames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code file_sd_configs}: target groups read from JSON or YAML files named by patterns with a
 * {@code *} in the last element, each group labelled {@code __meta_filepath} with its file. A
 * file is parsed again only when its modification time or size changed; a file that no longer
 * parses keeps the groups it last gave, as in Prometheus. Not thread-safe: the scraper calls it
 * under its lock.
 */
final class FileTargets {
    private static final Logger LOG = Logger.getLogger(FileTargets.class.getName());

    private record Read(long modified, long size, List<ScrapeJob.StaticGroup> groups) {
    }

    private final Map<Path, Read> cache = new HashMap<>();

    /** The groups of every file the config's patterns match now, in file name order. */
    List<ScrapeJob.StaticGroup> groups(ScrapeJob.FileSdConfig c) {
        List<ScrapeJob.StaticGroup> out = new ArrayList<>();
        for (String pattern : c.files()) {
            for (Path p : expand(pattern)) {
                out.addAll(read(p).groups());
            }
        }
        return out;
    }

    /** What the files of these jobs look like now (names, times, sizes): a change means read them again. */
    String signature(List<ScrapeJob> jobs) {
        StringBuilder sb = new StringBuilder();
        for (ScrapeJob j : jobs) {
            for (ScrapeJob.FileSdConfig c : j.fileSdConfigs()) {
                for (String pattern : c.files()) {
                    for (Path p : expand(pattern)) {
                        sb.append(p).append('|');
                        try {
                            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                            sb.append(a.lastModifiedTime().toMillis()).append('|').append(a.size());
                        } catch (IOException e) {
                            sb.append("gone");
                        }
                        sb.append('\n');
                    }
                }
            }
        }
        return sb.toString();
    }

    private static List<Path> expand(String pattern) {
        Path p = Path.of(pattern);
        Path name = p.getFileName();
        if (name == null) {
            return List.of();
        }
        String n = name.toString();
        if (n.indexOf('*') < 0 && n.indexOf('?') < 0 && n.indexOf('[') < 0) {
            return Files.isRegularFile(p) ? List.of(p) : List.of();
        }
        Path dir = p.getParent() == null ? Path.of("") : p.getParent();
        PathMatcher m = dir.getFileSystem().getPathMatcher("glob:" + n);
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.toString().isEmpty() ? Path.of(".") : dir)) {
            for (Path f : ds) {
                if (m.matches(f.getFileName()) && Files.isRegularFile(f)) {
                    out.add(dir.resolve(f.getFileName()));
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        out.sort(null);
        return out;
    }

    private Read read(Path p) {
        Read old = cache.get(p);
        long modified;
        long size;
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            modified = a.lastModifiedTime().toMillis();
            size = a.size();
        } catch (IOException e) {
            return old == null ? new Read(0, 0, List.of()) : old;
        }
        if (old != null && old.modified() == modified && old.size() == size) {
            return old;
        }
        try {
            Read r = new Read(modified, size, parse(Files.readString(p, StandardCharsets.UTF_8), "__meta_filepath", p.toString()));
            cache.put(p, r);
            return r;
        } catch (IOException | IllegalArgumentException e) {
            LOG.warning("file_sd: " + p + ": " + e.getMessage() + (old == null ? "" : "; keeping its previous targets"));
            return old == null ? new Read(modified, size, List.of()) : old;
        }
    }

    /**
     * Target groups in Prometheus's JSON (or YAML) form, each given the label {@code meta} = {@code source};
     * the whole text is refused on any error, as Prometheus does.
     */
    static List<ScrapeJob.StaticGroup> parse(String text, String meta, String source) {
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (doc == null) {
            return List.of();
        }
        if (!(doc instanceof List<?> list)) {
            throw new IllegalArgumentException("expected a list of target groups");
        }
        List<ScrapeJob.StaticGroup> out = new ArrayList<>();
        for (Object g : list) {
            if (!(g instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("expected a target group (targets and labels), found " + g);
            }
            List<String> targets = new ArrayList<>();
            if (m.get("targets") instanceof List<?> ts) {
                for (Object t : ts) {
                    targets.add(String.valueOf(t));
                }
            } else if (m.get("targets") != null) {
                throw new IllegalArgumentException("targets must be a list");
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.get("labels") instanceof Map<?, ?> ls) {
                for (Map.Entry<?, ?> e : ls.entrySet()) {
                    String k = String.valueOf(e.getKey());
                    if (!LabelNames.isValid(k)) {
                        throw new IllegalArgumentException("\"" + k + "\" is not a valid label name");
                    }
                    labels.put(k, e.getValue() == null ? "" : String.valueOf(e.getValue()));
                }
            } else if (m.get("labels") != null) {
                throw new IllegalArgumentException("labels must be a mapping");
            }
            labels.put(meta, source);
            out.add(new ScrapeJob.StaticGroup(targets, labels));
        }
        return out;
    }
}
