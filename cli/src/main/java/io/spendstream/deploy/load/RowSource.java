package io.spendstream.deploy.load;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.BufferedReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The records of an input file, in order: {@link CsvRowSource} for CSV, {@link JsonLinesRowSource} for JSON lines.
 * {@link #open} picks one by file name and counts the bytes read so that progress can be shown.
 */
public interface RowSource extends Closeable {

    /** The next record, or null at the end of the file. */
    SourceItem next() throws IOException;

    /** Bytes of the file consumed so far (read ahead by a buffer, so approximate). */
    long bytesRead();

    /** True for {@code .jsonl}, {@code .ndjson} and {@code .json} files (one JSON object per line). */
    static boolean isJsonLines(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json");
    }

    /**
     * Opens {@code file} (UTF-8; malformed bytes are an error, not silently replaced).
     *
     * @throws LoadException if the file cannot be opened or (CSV) has no usable header
     */
    static RowSource open(Path file) {
        if (Files.isDirectory(file)) {
            throw new LoadException(file + " is a directory, not a file");
        }
        CountingInputStream bytes;
        try {
            bytes = new CountingInputStream(Files.newInputStream(file));
        } catch (NoSuchFileException e) {
            throw new LoadException("File not found: " + file);
        } catch (IOException e) {
            throw new LoadException("Cannot open " + file + ": " + e.getMessage());
        }
        BufferedReader reader = new BufferedReader(new InputStreamReader(bytes, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)),
                64 * 1024);
        try {
            return isJsonLines(file) ? new JsonLinesRowSource(reader, bytes::count)
                    : CsvRowSource.open(new CsvReader(reader), bytes::count, file);
        } catch (RuntimeException e) {
            closeQuietly(reader);
            throw e;
        }
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // Already failing with a better message.
        }
    }

    /** Counts the bytes handed to the decoder. */
    final class CountingInputStream extends java.io.FilterInputStream {

        private volatile long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        long count() {
            return count;
        }
    }
}
