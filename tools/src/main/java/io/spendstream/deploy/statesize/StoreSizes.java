package io.spendstream.deploy.statesize;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * What each RocksDB store of a state directory holds, read from the files: entries and the bytes of their keys and
 * values by iterating every column family (exact), and RocksDB's own view after a full compaction: the live SST
 * files' size and {@code rocksdb.estimate-num-keys}. A window store's segments (one RocksDB each) add up under the
 * store's name. The stores must be closed: Kafka Streams writes them without a write-ahead log and, since its
 * commits no longer flush (KIP-1035), keeps recent updates in memtables that only closing writes to files. Each is
 * compacted before it is read, so the figures are of the data, not of how many flushes wrote it.
 */
public final class StoreSizes {

    /** One store: exact entries and key + value bytes; RocksDB's live SST bytes and key estimate after compaction. */
    record Size(long entries, long keyValueBytes, long sstBytes, long estimatedKeys) {
        static final Size ZERO = new Size(0, 0, 0, 0);

        Size plus(Size other) {
            return new Size(entries + other.entries, keyValueBytes + other.keyValueBytes,
                    sstBytes + other.sstBytes, estimatedKeys + other.estimatedKeys);
        }
    }

    static {
        RocksDB.loadLibrary();
    }

    private StoreSizes() {
    }

    /** Every RocksDB store under {@code stateDir} (global stores excluded), by {@code <app>/<store>}. */
    static Map<String, Size> measure(Path stateDir) {
        Map<String, Size> sizes = new TreeMap<>();
        for (Path db : databases(stateDir)) {
            String name = storeName(stateDir.relativize(db));
            if (name == null) {
                continue;
            }
            try {
                sizes.merge(name, measureDb(db), Size::plus);
            } catch (RocksDBException e) {
                throw new IllegalStateException("Cannot read RocksDB " + db + ": " + e.getMessage(), e);
            }
        }
        return sizes;
    }

    private static List<Path> databases(Path stateDir) {
        try (Stream<Path> files = Files.walk(stateDir)) {
            return files.filter(p -> p.getFileName().toString().equals("CURRENT")).map(Path::getParent).sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code <app>/<application.id>/<task>/rocksdb/<store>} (key-value) or {@code <app>/<application.id>/<task>/
     * <store>/<store>.<segment>} (window segments) to {@code <app>/<store>}; null for global stores.
     */
    static String storeName(Path relative) {
        if (relative.getNameCount() < 4 || relative.getName(2).toString().equals("global")) {
            return null;
        }
        String app = relative.getName(0).toString();
        Path inTask = relative.subpath(3, relative.getNameCount());
        String first = inTask.getName(0).toString();
        String store = first.equals("rocksdb") && inTask.getNameCount() > 1 ? inTask.getName(1).toString() : first;
        return app + "/" + store;
    }

    private static Size measureDb(Path dir) throws RocksDBException {
        List<byte[]> families;
        try (Options options = new Options()) {
            families = RocksDB.listColumnFamilies(options, dir.toString());
        }
        // Uncompressed, as Kafka Streams writes its stores (RocksDBStore's default), so the compacted size is theirs.
        ColumnFamilyOptions familyOptions = new ColumnFamilyOptions().setCompressionType(CompressionType.NO_COMPRESSION);
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (byte[] family : families) {
            descriptors.add(new ColumnFamilyDescriptor(family, familyOptions));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (familyOptions; DBOptions options = new DBOptions();
                RocksDB rocks = RocksDB.open(options, dir.toString(), descriptors, handles)) {
            long entries = 0;
            long bytes = 0;
            long estimated = 0;
            long sst = 0;
            try {
                for (ColumnFamilyHandle handle : handles) {
                    rocks.compactRange(handle);
                    try (RocksIterator it = rocks.newIterator(handle)) {
                        for (it.seekToFirst(); it.isValid(); it.next()) {
                            entries++;
                            bytes += it.key().length + it.value().length;
                        }
                    }
                    estimated += rocks.getLongProperty(handle, "rocksdb.estimate-num-keys");
                    sst += rocks.getLongProperty(handle, "rocksdb.live-sst-files-size");
                }
            } finally {
                handles.forEach(ColumnFamilyHandle::close);
            }
            return new Size(entries, bytes, sst, estimated);
        }
    }

    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
