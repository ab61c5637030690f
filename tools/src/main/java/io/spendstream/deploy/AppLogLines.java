package io.spendstream.deploy;

import java.util.regex.Pattern;

/**
 * How the apps' console logger writes a line ({@code HH:mm:ss.SSS LEVEL Logger - message}, the CLI's
 * {@code logback.xml}), for the tools that read an app's output: the bench (did any app log an ERROR while measured)
 * and chaos (why did an instance exit).
 */
public final class AppLogLines {

    private static final Pattern ERROR_LINE = Pattern.compile("^\\S+ +ERROR ");

    private AppLogLines() {
    }

    /** Whether {@code line} is a log line at ERROR level (not a stack trace line, nor a message that says ERROR). */
    public static boolean isError(String line) {
        return ERROR_LINE.matcher(line).find();
    }
}
