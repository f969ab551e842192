package dev.vigil.ingest.push;

import java.util.Map;

/**
 * The metric families the replaced gateway exposes about itself (Go runtime, process, its own
 * HTTP counters), with their types. Pushing one of these names with another type is refused
 * there, because its scrape would merge the two; clients that were told so keep being told so.
 * The list is what its 1.5.1 release serves on {@code /metrics}.
 */
final class GatewayFamilies {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("go_gc_duration_seconds", "summary"),
            Map.entry("go_goroutines", "gauge"),
            Map.entry("go_info", "gauge"),
            Map.entry("go_memstats_alloc_bytes", "gauge"),
            Map.entry("go_memstats_alloc_bytes_total", "counter"),
            Map.entry("go_memstats_buck_hash_sys_bytes", "gauge"),
            Map.entry("go_memstats_frees_total", "counter"),
            Map.entry("go_memstats_gc_sys_bytes", "gauge"),
            Map.entry("go_memstats_heap_alloc_bytes", "gauge"),
            Map.entry("go_memstats_heap_idle_bytes", "gauge"),
            Map.entry("go_memstats_heap_inuse_bytes", "gauge"),
            Map.entry("go_memstats_heap_objects", "gauge"),
            Map.entry("go_memstats_heap_released_bytes", "gauge"),
            Map.entry("go_memstats_heap_sys_bytes", "gauge"),
            Map.entry("go_memstats_last_gc_time_seconds", "gauge"),
            Map.entry("go_memstats_lookups_total", "counter"),
            Map.entry("go_memstats_mallocs_total", "counter"),
            Map.entry("go_memstats_mcache_inuse_bytes", "gauge"),
            Map.entry("go_memstats_mcache_sys_bytes", "gauge"),
            Map.entry("go_memstats_mspan_inuse_bytes", "gauge"),
            Map.entry("go_memstats_mspan_sys_bytes", "gauge"),
            Map.entry("go_memstats_next_gc_bytes", "gauge"),
            Map.entry("go_memstats_other_sys_bytes", "gauge"),
            Map.entry("go_memstats_stack_inuse_bytes", "gauge"),
            Map.entry("go_memstats_stack_sys_bytes", "gauge"),
            Map.entry("go_memstats_sys_bytes", "gauge"),
            Map.entry("go_threads", "gauge"),
            Map.entry("process_cpu_seconds_total", "counter"),
            Map.entry("process_max_fds", "gauge"),
            Map.entry("process_open_fds", "gauge"),
            Map.entry("process_resident_memory_bytes", "gauge"),
            Map.entry("process_start_time_seconds", "gauge"),
            Map.entry("process_virtual_memory_bytes", "gauge"),
            Map.entry("process_virtual_memory_max_bytes", "gauge"),
            Map.entry("pushgateway_build_info", "gauge"),
            Map.entry("pushgateway_http_push_duration_seconds", "summary"),
            Map.entry("pushgateway_http_push_size_bytes", "summary"),
            Map.entry("pushgateway_http_requests_total", "counter"));

    private GatewayFamilies() {
    }

    /** The refusal for pushing {@code family} typed {@code type}, or null when it does not clash. */
    static String clash(String family, String type) {
        String own = TYPES.get(family);
        if (own == null || own.equals(type)) {
            return null;
        }
        return "gathered metric family " + family + " has type " + type.toUpperCase(java.util.Locale.ROOT) + " but should have "
                + own.toUpperCase(java.util.Locale.ROOT);
    }
}
