package io.spendstream.deploy.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Why an app process exited by itself, as {@code spendstream chaos} prints it when its supervisor restarts one. */
class AppProcessExitErrorTest {

    @Test
    void shouldNameTheAppsOwnFatalErrorLineAndTheExceptionAfterIt() {
        String output = """
                10:00:00.001 INFO  StreamsAppRunner - Started attribution: application.id=a, metrics=http://h:1/metrics
                10:00:01.002 ERROR ReplicaManager - some client error the app survived
                10:00:02.003 ERROR RunningApp - a-attribution stops after an unrecoverable error; /health now reports it
                org.apache.kafka.streams.errors.StreamsException: task [0_1] timed out
                \tat org.apache.kafka.streams.processor.internals.StreamThread.run(StreamThread.java:1)
                10:00:03.004 ERROR StreamsAppRunner - a later error while shutting down
                """;

        assertThat(AppProcess.exitError(output)).contains("10:00:02.003 ERROR RunningApp - a-attribution stops after an"
                + " unrecoverable error; /health now reports it / org.apache.kafka.streams.errors.StreamsException: task"
                + " [0_1] timed out");
    }

    @Test
    void shouldNameTheLastErrorLineWhenTheAppDidNotSayWhyItStopped() {
        String output = """
                10:00:01.002 ERROR Sender - first
                10:00:02.003 ERROR StreamsAppRunner - Cannot start attribution: the broker is unreachable
                """;

        assertThat(AppProcess.exitError(output))
                .contains("10:00:02.003 ERROR StreamsAppRunner - Cannot start attribution: the broker is unreachable");
    }

    @Test
    void shouldFindNoReasonInAnOutputWithoutErrors() {
        assertThat(AppProcess.exitError("10:00:00.001 INFO  RunningApp - a REBALANCING -> RUNNING\n")).isEmpty();
    }
}
