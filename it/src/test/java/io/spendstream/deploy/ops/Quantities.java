package io.spendstream.deploy.ops;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory sizes as Kubernetes ({@code 1536Mi}, {@code 2Gi}) and the JVM ({@code -Xmx512m}) write them, in bytes, and
 * the heap a JVM gets from its options and its container's limit.
 */
final class Quantities {

    private static final Pattern KUBERNETES = Pattern.compile("(\\d+)(Ki|Mi|Gi)?");
    private static final Map<String, Long> BINARY = Map.of("Ki", 1L << 10, "Mi", 1L << 20, "Gi", 1L << 30);
    private static final Pattern RAM_PERCENTAGE = Pattern.compile("-XX:MaxRAMPercentage=(\\d+(?:\\.\\d+)?)");
    /** HotSpot's MaxRAMPercentage when the options do not set it. */
    private static final double DEFAULT_RAM_PERCENTAGE = 25;
    private static final Pattern JVM_OPTION = Pattern.compile("-(Xmx|Xms|XX:MaxMetaspaceSize=|XX:MaxDirectMemorySize=)"
            + "(\\d+)([kmg]?)");

    private Quantities() {
    }

    static long kubernetes(String quantity) {
        Matcher matcher = KUBERNETES.matcher(quantity);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Not a binary-suffixed memory quantity: " + quantity);
        }
        return Long.parseLong(matcher.group(1)) * (matcher.group(2) == null ? 1 : BINARY.get(matcher.group(2)));
    }

    /** The size a JVM option sets in {@code options}, e.g. {@code jvm(options, "Xmx")}. */
    static long jvm(String options, String option) {
        Matcher matcher = JVM_OPTION.matcher(options);
        while (matcher.find()) {
            if (matcher.group(1).equals(option)) {
                long unit = switch (matcher.group(3).toLowerCase(Locale.ROOT)) {
                    case "k" -> 1L << 10;
                    case "m" -> 1L << 20;
                    case "g" -> 1L << 30;
                    default -> 1L;
                };
                return Long.parseLong(matcher.group(2)) * unit;
            }
        }
        throw new IllegalArgumentException("No -" + option + " in " + options);
    }

    /**
     * The maximum heap of a JVM started with {@code options} in a container limited to {@code containerLimit} bytes:
     * {@code -Xmx} when set (it wins over the percentage), else {@code -XX:MaxRAMPercentage} of the limit.
     */
    static long heap(String options, long containerLimit) {
        if (options.contains("-Xmx")) {
            return jvm(options, "Xmx");
        }
        Matcher matcher = RAM_PERCENTAGE.matcher(options);
        double percentage = matcher.find() ? Double.parseDouble(matcher.group(1)) : DEFAULT_RAM_PERCENTAGE;
        return (long) (containerLimit * percentage / 100);
    }

    static long mebibytes(long bytes) {
        return bytes >> 20;
    }
}
