package io.spendstream.deploy.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * An external checker (promtool, amtool, kubectl) found on the PATH or in /usr/bin. A missing tool skips the check,
 * saying how to install it, except in CI ({@code CI} set), which installs it (.ci/run) and must run the check.
 */
record CommandLineTool(Path executable) {

    /** Standard output, and standard error apart (tools print warnings there, in no fixed order with the output). */
    record Result(int exitCode, String output, String errors) {
    }

    static Optional<CommandLineTool> find(String name) {
        List<String> directories = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(
                File.pathSeparator)));
        directories.add("/usr/bin");
        return directories.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, name))
                .filter(Files::isExecutable).findFirst().map(CommandLineTool::new);
    }

    /** The tool, or a skipped test outside CI and a failed one in CI. */
    static CommandLineTool require(String name, String install) {
        Optional<CommandLineTool> tool = find(name);
        boolean ci = System.getenv("CI") != null;
        Assumptions.assumeTrue(tool.isPresent() || ci, name + " is not installed, so this check is skipped: " + install);
        assertThat(tool).as("%s must be installed in CI (%s)", name, install).isPresent();
        return tool.orElseThrow();
    }

    /** Runs the tool in {@code directory} and waits for it (60 s at most). */
    Result run(Path directory, String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(arguments));
        Path errors = Files.createTempFile("spendstream-tool-", ".err");
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectError(errors.toFile()).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8),
                    Files.readString(errors, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    /** Runs the tool and asserts that it succeeded; returns its output. */
    String check(Path directory, String... arguments) throws IOException, InterruptedException {
        Result result = run(directory, arguments);
        assertThat(result.exitCode()).as("%s %s in %s:%n%s%s", executable.getFileName(), String.join(" ", arguments),
                directory, result.output(), result.errors()).isZero();
        return result.output();
    }
}
