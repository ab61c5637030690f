package io.spendstream.deploy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * CPU time a JVM used (user + system), split into its JIT compiler threads, its garbage collector threads and the
 * rest, which is the app: Kafka Streams' stream threads, the Kafka clients' network threads, RocksDB. Read from
 * Linux's {@code /proc/<pid>/stat} (the whole process, exited threads included) and {@code /proc/<pid>/task/*}
 * (each live thread by its name, which Linux cuts to 15 characters: "C2 CompilerThre", "GC Thread#0", "G1 Conc#0").
 * A thread that exits leaves its time in the process's total only, where it counts as the app's: the bench keeps the
 * app JVMs' compiler threads alive for that reason.
 *
 * <p>Why it is in the bench: a phase over 21,400 records is over in seconds, and a fresh JVM compiles its hot code
 * meanwhile; on two cores the compiler competes with the stream thread, so the rate says as much about the JIT as
 * about the app. This shows how much.
 */
record CpuTime(double appSeconds, double jitSeconds, double gcSeconds) {

    /** Clock ticks per second of /proc's times: USER_HZ, 100 on every Linux platform Java runs on. */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final List<String> JIT_THREADS = List.of("C1 CompilerThre", "C2 CompilerThre");
    private static final List<String> GC_THREADS = List.of("GC Thread", "G1 ");

    /** The CPU time {@code pid} used so far, or empty where /proc cannot tell (not Linux, or it exited). */
    static Optional<CpuTime> of(long pid) {
        Path proc = Path.of("/proc", Long.toString(pid));
        try (Stream<Path> tasks = Files.list(proc.resolve("task"))) {
            double total = ticks(Files.readString(proc.resolve("stat")));
            double jit = 0;
            double gc = 0;
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended between the listing and the read: its time is in the total
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (JIT_THREADS.stream().anyMatch(name::startsWith)) {
                    jit += ticks(stat);
                } else if (GC_THREADS.stream().anyMatch(name::startsWith)) {
                    gc += ticks(stat);
                }
            }
            return Optional.of(new CpuTime((total - jit - gc) / TICKS_PER_SECOND, jit / TICKS_PER_SECOND,
                    gc / TICKS_PER_SECOND));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** utime + stime of one stat line: fields 14 and 15, counted after the name (which may hold spaces). */
    static double ticks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    CpuTime minus(CpuTime earlier) {
        return new CpuTime(appSeconds - earlier.appSeconds, jitSeconds - earlier.jitSeconds,
                gcSeconds - earlier.gcSeconds);
    }

    CpuTime plus(CpuTime other) {
        return new CpuTime(appSeconds + other.appSeconds, jitSeconds + other.jitSeconds, gcSeconds + other.gcSeconds);
    }

    /**
     * The JIT compiler's share of what the JVMs used between two readings of each ({@code earlier}, {@code later}, one
     * per JVM, in the same order; a JVM /proc could not read either time is left out); 0 when they used nothing.
     */
    static double jitShare(List<Optional<CpuTime>> earlier, List<Optional<CpuTime>> later) {
        CpuTime used = new CpuTime(0, 0, 0);
        for (int i = 0; i < earlier.size(); i++) {
            if (earlier.get(i).isPresent() && later.get(i).isPresent()) {
                used = used.plus(later.get(i).get().minus(earlier.get(i).get()));
            }
        }
        return used.totalSeconds() > 0 ? used.jitSeconds() / used.totalSeconds() : 0;
    }

    double totalSeconds() {
        return appSeconds + jitSeconds + gcSeconds;
    }

    /** For a progress line: {@code CPU 12.2 s: app 4.7, JIT 7.3, GC 0.2}. */
    String describe() {
        return String.format("CPU %.1f s: app %.1f, JIT %.1f, GC %.1f", totalSeconds(), appSeconds, jitSeconds,
                gcSeconds);
    }
}
