package io.jetconnect.bench;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What this JVM and the NATS server spent during a run: peak resident memory ({@code VmHWM} of
 * {@code /proc/self/status}, reset through {@code /proc/self/clear_refs} before each run where Linux allows it, so
 * that each case reports its own peak), GC time (all collectors' {@code getCollectionTime}), the JVM's CPU time,
 * and the CPU time of a {@code nats-server} child process ({@code /proc/PID/stat}).
 *
 * <p>The RSS is that of the whole JVM the case runs in (its own, unless {@code --jvm shared}): the runtime, the
 * plugins, the load generator and the bench's bookkeeping.
 */
final class ProcessProbe {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
    /** USER_HZ: the unit of utime and stime in /proc/PID/stat on every Linux the bench runs on. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private static volatile Boolean resettable;

    private ProcessProbe() {
    }

    /** A reading at the start of a run. */
    record Mark(long wallNanos, long cpuNanos, long gcMillis, long serverCpuMillis) {
    }

    /** What a run spent, from its {@link Mark} to now. */
    record Spent(long wallNanos, long cpuNanos, long gcMillis, long serverCpuMillis, long peakRssKib) {

        /** @return the share of the wall time spent in GC, 0 to 1 */
        double gcShare() {
            return wallNanos == 0 ? 0 : gcMillis * 1e6 / wallNanos;
        }
    }

    /**
     * Resets the peak RSS (if the kernel lets this process) and reads the counters.
     *
     * @param serverPid the nats-server to account for, or -1
     */
    static Mark mark(long serverPid) {
        resetPeak();
        return new Mark(System.nanoTime(), cpuNanos(), gcMillis(), serverCpuMillis(serverPid));
    }

    /** @return what was spent since the mark */
    static Spent since(Mark mark, long serverPid) {
        long server = serverCpuMillis(serverPid);
        return new Spent(System.nanoTime() - mark.wallNanos(), cpuNanos() - mark.cpuNanos(),
                gcMillis() - mark.gcMillis(), server < 0 || mark.serverCpuMillis() < 0 ? -1
                : server - mark.serverCpuMillis(), peakRssKib());
    }

    /** @return whether the peak RSS can be reset between runs (else it is the process's peak so far) */
    static boolean peakResettable() {
        if (resettable == null) {
            resetPeak();
        }
        return resettable;
    }

    private static void resetPeak() {
        Boolean known = resettable;
        if (known != null && !known) {
            return;
        }
        try {
            // "5" resets the peak RSS (VmHWM) to the current RSS; Linux 4.0 and later.
            Files.writeString(CLEAR_REFS, "5");
            resettable = true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            resettable = false;
        }
    }

    /** @return the peak resident set size in KiB, or -1 where /proc is not there */
    static long peakRssKib() {
        return statusField("VmHWM:");
    }

    /** @return the resident set size now in KiB, or -1 where /proc is not there */
    static long rssKib() {
        return statusField("VmRSS:");
    }

    private static long statusField(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static long gcMillis() {
        long total = 0;
        List<GarbageCollectorMXBean> beans = ManagementFactory.getGarbageCollectorMXBeans();
        for (GarbageCollectorMXBean gc : beans) {
            long t = gc.getCollectionTime();
            if (t > 0) {
                total += t;
            }
        }
        return total;
    }

    static long cpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    /** @return user + system CPU time of a process in milliseconds, or -1 */
    static long serverCpuMillis(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** @return the 1-minute load average, or -1 */
    static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
