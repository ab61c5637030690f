package io.spendstream.runtime.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Heals an app's local state before Kafka Streams opens it: every RocksDB store under
 * {@code <state.dir>/<application.id>} that RocksDB cannot open is removed with the whole task directory it belongs to
 * (or the global-store directory), so that Kafka Streams restores that task from its changelog instead of failing.
 * Reads and writes no topic; keeps no state of its own.
 *
 * <p><b>Why (issue 15, root cause of the {@code MANIFEST-000032: No such file or directory} crash loop).</b> Under
 * exactly-once, a store that was open when its process died is not trusted: in Kafka Streams 4.3 each RocksDB store
 * marks itself open in its offsets column family, and {@code RocksDBStore.openDB} turns a store still marked open into
 * a {@code TaskCorruptedException}. The task manager answers that by closing the task dirty, which wipes its state
 * ({@code StateManagerUtil.closeStateManager}: {@code Utils.delete(taskDir)}), and restores it from the changelog. That
 * wipe is a plain recursive delete: file by file in directory order, then the directories. A second SIGKILL in the
 * middle of it leaves a half-deleted store, e.g. {@code CURRENT} still naming {@code MANIFEST-000032} that is already
 * gone, or a MANIFEST whose SST files are gone. At the next start, {@code KafkaStreams.start()} opens the stores of every
 * non-empty task directory ({@code StateDirectory.initializeStartupStores}) to read their offsets; RocksDB's open fails
 * with an I/O error, which Kafka Streams reports as a {@code ProcessorStateException} ("Error opening store"). Only a
 * {@code TaskCorruptedException} leads to a wipe there ("Any other exception is considered fatal"), so the process
 * exits, and every restart meets the same directory again until a person deletes it.
 *
 * <p>The healer opens each store read-only before Kafka Streams does (RocksDB checks that the MANIFEST and every live
 * SST file exist; a few milliseconds per store, SST files are not read). Its own wipe survives a kill: the task
 * directory is first renamed (atomic) out of the application's directory, into
 * {@code <state.dir>/.spendstream-wiped/<application.id>}, and deleted from there; leftovers of an interrupted delete are removed at the next start. Healing loses nothing:
 * every store Spendstream keeps has a changelog, global stores restore from their source topic.
 */
public final class StateHealer {

    /** Where wiped task directories go before they are deleted: beside the applications' directories, never in one. */
    static final String WIPED_DIR = ".spendstream-wiped";

    private static final Logger LOG = LoggerFactory.getLogger(StateHealer.class);

    /** One store RocksDB could not open, and why. */
    public record UnopenableStore(Path taskDirectory, Path store, String error) {
    }

    private StateHealer() {
    }

    /**
     * Checks every store of {@code application.id} under {@code stateDir} and wipes each task directory that holds an
     * unopenable one; logs each at WARN, once.
     *
     * @return the stores found unopenable (their task directories are gone)
     * @throws UncheckedIOException when a broken task directory cannot be moved away (then Kafka Streams could not
     *         use it either)
     */
    public static List<UnopenableStore> heal(Path stateDir, String applicationId) {
        Path wipedDir = stateDir.resolve(WIPED_DIR).resolve(applicationId);
        deleteLeftovers(wipedDir);
        Path appDir = stateDir.resolve(applicationId);
        if (!Files.isDirectory(appDir)) {
            return List.of();
        }
        // Kafka Streams' own lock of the application's directory: held, another process runs this app on this
        // directory (a misconfiguration Kafka Streams reports itself), and its stores are not ours to judge.
        try (FileChannel channel = FileChannel.open(appDir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
            if (lock == null) {
                LOG.warn("{} is locked by another process; its stores are not checked", appDir);
                return List.of();
            }
            List<UnopenableStore> unopenable = findUnopenable(appDir);
            for (UnopenableStore store : unopenable) {
                if (!Files.exists(store.taskDirectory())) {
                    continue; // another store of the same task directory was found first
                }
                LOG.warn("State store {} of {} cannot be opened ({}); wiping task directory {} so that it is restored "
                        + "from its changelog (a crash during an earlier wipe leaves such a store)",
                        appDir.relativize(store.store()), applicationId, store.error(), store.taskDirectory());
                wipe(store.taskDirectory(), wipedDir, applicationId);
            }
            if (!unopenable.isEmpty()) {
                deleteLeftovers(wipedDir);
            }
            return unopenable;
        } catch (OverlappingFileLockException e) {
            LOG.warn("{} is locked by a running app of this process; its stores are not checked", appDir);
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot lock the state directory " + appDir, e);
        }
    }

    /** Every store under {@code appDir} that RocksDB cannot open, in a stable order. */
    static List<UnopenableStore> findUnopenable(Path appDir) {
        List<UnopenableStore> unopenable = new ArrayList<>();
        if (!Files.isDirectory(appDir)) {
            return unopenable;
        }
        try (Stream<Path> tasks = Files.list(appDir)) {
            for (Path task : tasks.filter(Files::isDirectory).sorted().toList()) {
                for (Path store : rocksDbDirectories(task)) {
                    String error = openError(store);
                    if (error != null) {
                        unopenable.add(new UnopenableStore(task, store, error));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the state directory " + appDir, e);
        }
        return unopenable;
    }

    /** Directories holding RocksDB files (a key-value store, or one segment of a window or session store). */
    private static List<Path> rocksDbDirectories(Path task) throws IOException {
        try (Stream<Path> files = Files.walk(task)) {
            return files.filter(Files::isRegularFile).filter(StateHealer::isRocksDbFile).map(Path::getParent)
                    .distinct().sorted().toList();
        }
    }

    private static boolean isRocksDbFile(Path file) {
        String name = file.getFileName().toString();
        return name.equals("CURRENT") || name.startsWith("MANIFEST-") || name.endsWith(".sst");
    }

    /** Null when RocksDB opens the store (read-only), else its error. */
    static String openError(Path store) {
        if (!Files.exists(store.resolve("CURRENT"))) {
            // Data files without the pointer to the MANIFEST that lists them: what a wipe leaves when it deleted
            // CURRENT first. RocksDB would start an empty database over them; Kafka Streams would then wipe it again.
            return "no CURRENT file beside its data files";
        }
        RocksDB.loadLibrary();
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (Options options = new Options()) {
            List<ColumnFamilyDescriptor> families = new ArrayList<>();
            for (byte[] family : RocksDB.listColumnFamilies(options, store.toString())) {
                families.add(new ColumnFamilyDescriptor(family));
            }
            if (families.isEmpty()) {
                // Listed from the MANIFEST: none when it is missing. The open below then says why, in RocksDB's words.
                families.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
            }
            // A few open files: the consistency check of the open looks up every live SST file without opening it.
            try (DBOptions dbOptions = new DBOptions().setMaxOpenFiles(16);
                    RocksDB db = RocksDB.openReadOnly(dbOptions, store.toString(), families, handles)) {
                return null;
            } finally {
                handles.forEach(ColumnFamilyHandle::close);
            }
        } catch (RocksDBException e) {
            return e.getMessage();
        }
    }

    /** Renames {@code taskDir} out of its application's directory (atomic), then deletes it. */
    private static void wipe(Path taskDir, Path wipedDir, String applicationId) {
        try {
            Files.createDirectories(wipedDir);
            Files.move(taskDir, wipedDir.resolve(taskDir.getFileName() + "-" + System.nanoTime()),
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot move the broken state directory " + taskDir + " away", e);
        }
    }

    private static void deleteLeftovers(Path wipedDir) {
        if (!Files.isDirectory(wipedDir)) {
            return;
        }
        try {
            Files.walkFileTree(wipedDir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // Only disk space is at stake: the state Kafka Streams uses is no longer there.
            LOG.warn("Could not delete wiped state under {}: {}", wipedDir, e.toString());
        }
    }
}
