package io.spendstream.anomaly.nab;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** The header line of a NAB CSV file: finds a column by name, so column order does not matter. */
record CsvHeader(List<String> names, Path file) {

    static CsvHeader of(String line, Path file) {
        if (line == null) {
            throw new IllegalArgumentException("Empty NAB file " + file);
        }
        return new CsvHeader(Arrays.stream(line.split(",", -1)).map(String::trim).toList(), file);
    }

    int column(String name) {
        int index = names.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("No column " + name + " in " + file + " (header " + names + ")");
        }
        return index;
    }
}
