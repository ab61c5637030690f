package io.spendstream.deploy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class CpuTimeTest {

    @Test
    void shouldReadUserPlusSystemTicksAfterAThreadNameWithSpacesAndParentheses() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        String stat = "4242 (C2 (x) Thre) S 1 4242 4242 0 -1 4194560 900 0 3 0 731 42 0 0 20 0 1 0 100";

        assertEquals(773, CpuTime.ticks(stat));
    }

    @Test
    void shouldSplitThisJvmsCpuTimeIntoAppJitAndGc() {
        long sum = 0;
        for (int i = 0; i < 20_000_000; i++) {
            sum += Long.toString(i).hashCode(); // enough work for the JIT to compile something
        }

        CpuTime used = CpuTime.of(ProcessHandle.current().pid()).orElseThrow();

        assertTrue(used.appSeconds() > 0, "this thread's loop is the app's: " + used + " " + sum);
        assertTrue(used.jitSeconds() > 0, "the loop was compiled: " + used);
        assertTrue(used.gcSeconds() >= 0, used.toString());
        assertEquals(used.appSeconds() + used.jitSeconds() + used.gcSeconds(), used.totalSeconds(), 1e-9);
    }

    @Test
    void shouldSubtractAndAddPerKind() {
        CpuTime before = new CpuTime(1.0, 2.0, 0.5);
        CpuTime after = new CpuTime(4.0, 2.5, 0.75);

        assertEquals(new CpuTime(3.0, 0.5, 0.25), after.minus(before));
        assertEquals(new CpuTime(5.0, 4.5, 1.25), after.plus(before));
        assertEquals("CPU 3.8 s: app 3.0, JIT 0.5, GC 0.3", after.minus(before).describe());
    }

    @Test
    void shouldGiveTheJitShareOverEveryJvmOfAPhaseLeavingOutOneProcCouldNotRead() {
        List<Optional<CpuTime>> earlier = List.of(Optional.of(new CpuTime(1, 1, 0)), Optional.of(new CpuTime(2, 0, 0)),
                Optional.empty());
        List<Optional<CpuTime>> later = List.of(Optional.of(new CpuTime(4, 2, 0)), Optional.of(new CpuTime(5, 1, 1)),
                Optional.of(new CpuTime(100, 100, 0)));

        // Used between them: app 3 + 3, JIT 1 + 1, GC 0 + 1: 2 of 9 seconds.
        assertEquals(2.0 / 9, CpuTime.jitShare(earlier, later), 1e-12);
        assertEquals(0, CpuTime.jitShare(earlier, earlier));
    }

    @Test
    void shouldTellNothingOfAProcessThatIsNotThere() {
        assertTrue(CpuTime.of(Long.MAX_VALUE).isEmpty());
    }
}
