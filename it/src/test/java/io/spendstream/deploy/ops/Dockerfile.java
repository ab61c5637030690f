package io.spendstream.deploy.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The instructions of a Dockerfile (continuation lines joined, comments dropped), enough to check ours by reading. */
record Dockerfile(List<Instruction> instructions) {

    record Instruction(String keyword, String arguments) {
    }

    private static final Pattern ENV = Pattern.compile("^(\\w+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S+)$");

    static Dockerfile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            boolean continues = trimmed.endsWith("\\");
            current.append(continues ? trimmed.substring(0, trimmed.length() - 1) : trimmed).append(' ');
            if (!continues) {
                String text = current.toString().strip();
                int space = text.indexOf(' ');
                instructions.add(new Instruction(text.substring(0, space).toUpperCase(Locale.ROOT),
                        text.substring(space + 1).strip()));
                current.setLength(0);
            }
        }
        return new Dockerfile(List.copyOf(instructions));
    }

    List<String> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
    }

    /** The last value of an instruction, i.e. the one that counts for the final stage. */
    String last(String keyword) {
        List<String> values = all(keyword);
        if (values.isEmpty()) {
            throw new AssertionError("The Dockerfile has no " + keyword);
        }
        return values.get(values.size() - 1);
    }

    /** An exec-form (JSON array) instruction such as ENTRYPOINT. */
    List<String> execForm(String keyword) {
        try {
            return new ObjectMapper().readValue(last(keyword), new TypeReference<List<String>>() { });
        } catch (IOException e) {
            throw new AssertionError(keyword + " is not in exec (JSON array) form: " + last(keyword), e);
        }
    }

    /** The value an {@code ENV NAME=value} instruction sets (quotes removed). */
    Optional<String> env(String name) {
        for (String env : all("ENV")) {
            Matcher matcher = ENV.matcher(env);
            if (matcher.matches() && matcher.group(1).equals(name)) {
                String value = matcher.group(2);
                return Optional.of(value.startsWith("\"") ? value.substring(1, value.length() - 1) : value);
            }
        }
        return Optional.empty();
    }
}
