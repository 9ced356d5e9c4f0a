package io.cms.local.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a benchmark's CPU goes: CPU time of the JVM's live threads, grouped by thread name with the
 * numbers taken out ({@code hivemq-eventloop-child-3} → {@code hivemq-eventloop-child-#}).
 */
final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadCpu() {
    }

    /** CPU nanoseconds per thread group, now. */
    static Map<String, Long> snapshot() {
        Map<String, Long> groups = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long cpu = THREADS.getThreadCpuTime(t.getId());
            if (cpu > 0) {
                groups.merge(group(t.getName()), cpu, Long::sum);
            }
        }
        return groups;
    }

    /** The CPU of the current thread so far, in nanoseconds. */
    static long currentThread() {
        return THREADS.getCurrentThreadCpuTime();
    }

    /**
     * One line per group that used at least 2 % of the total between the snapshots: microseconds
     * of CPU per message and share; {@code extra} adds groups measured otherwise (threads that ended).
     */
    static String report(Map<String, Long> before, Map<String, Long> after, Map<String, Long> extra, long messages) {
        Map<String, Long> used = new HashMap<>(extra);
        after.forEach((g, cpu) -> used.merge(g, cpu - before.getOrDefault(g, 0L), Long::sum));
        long total = used.values().stream().mapToLong(Long::longValue).filter(v -> v > 0).sum();
        List<Map.Entry<String, Long>> rows = new ArrayList<>(used.entrySet());
        rows.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        StringBuilder out = new StringBuilder(String.format("    CPU %.1f µs per message in all", total / 1e3 / Math.max(1, messages)));
        for (Map.Entry<String, Long> r : rows) {
            if (r.getValue() * 50 >= total) {
                out.append(String.format("%n      %5.1f µs/msg %4.0f %%  %s", r.getValue() / 1e3 / Math.max(1, messages),
                        100.0 * r.getValue() / total, r.getKey()));
            }
        }
        return out.toString();
    }

    private static String group(String name) {
        return name.replaceAll("[0-9a-f]{8,}", "#").replaceAll("[0-9]+", "#");
    }
}
