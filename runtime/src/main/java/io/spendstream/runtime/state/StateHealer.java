package io.spendstream.runtime.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
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
 * ({@code StateManagerUtil.closeStateManager}: {@code Utils.delete(taskDir)}), and restores it from the changelog.
 * That wipe is a plain recursive delete: file by file in directory order, then the directories. A second SIGKILL in
 * the middle of it leaves a half-deleted store, e.g. {@code CURRENT} still naming {@code MANIFEST-000032} that is
 * already gone, or a MANIFEST whose SST files are gone. At the next start, {@code KafkaStreams.start()} opens the
 * stores of every non-empty task directory ({@code StateDirectory.initializeStartupStores}) to read their offsets;
 * RocksDB's open fails with an I/O error, which Kafka Streams reports as a {@code ProcessorStateException} ("Error
 * opening store"). Only a {@code TaskCorruptedException} leads to a wipe there ("Any other exception is considered
 * fatal"), so the process exits, and every restart meets the same directory again until a person deletes it.
 *
 * <p>The healer opens each store read-only before Kafka Streams does (RocksDB checks that the MANIFEST and every live
 * SST file exist; a few milliseconds per store, SST files are not read). Its own wipe survives a kill: the task
 * directory is first renamed (atomic) out of the application's directory, into
 * {@code <state.dir>/.spendstream-wiped/<application.id>}, and deleted from there; leftovers of an interrupted delete
 * are removed at the next start. Healing loses nothing: every store Spendstream keeps has a changelog, global stores
 * restore from their source topic.
 *
 * <p>Under exactly-once it also wipes, the same crash-safe way, every task directory with a store the last process did
 * not close (no committed changelog offset, or still marked open: see {@link #check(Path)}): Kafka Streams would open
 * those stores at start only to find them corrupted, then wipe them with its non-atomic delete and restore them. Doing
 * it first saves those opens and the corrupted-task round trip after every unclean stop, and leaves Kafka Streams' own
 * wipe for the rarer corruption it detects while running (a commit that timed out), which makes the crash-loop case
 * above rarer too. Kafka 4.4's transactional state stores (KIP-892, {@code enable.transactional.statestores}, off by
 * default) keep such stores instead: only the writes since the last commit are lost.
 */
public final class StateHealer {

    /** Where wiped task directories go before they are deleted: beside the applications' directories, never in one. */
    static final String WIPED_DIR = ".spendstream-wiped";

    private static final Logger LOG = LoggerFactory.getLogger(StateHealer.class);

    /** One store RocksDB could not open, and why. */
    public record UnopenableStore(Path taskDirectory, Path store, String error) {
    }

    /**
     * What a start found: stores RocksDB could not open, and (exactly-once only) task directories whose stores were
     * left open by a process that did not close them. Both kinds of task directory are gone.
     */
    public record Healed(List<UnopenableStore> unopenable, List<Path> leftOpen) {

        static final Healed NOTHING = new Healed(List.of(), List.of());
    }

    /**
     * A store's state on disk: RocksDB's error when it cannot be opened; else whether it has Kafka Streams' offsets
     * column family, whether that holds a committed changelog offset, and whether its status key says it is open.
     */
    record StoreCheck(String error, boolean offsetsFamily, boolean committedOffset, boolean leftOpen) {

        static StoreCheck unopenable(String error) {
            return new StoreCheck(error, false, false, false);
        }
    }

    /** The offsets column family of Kafka Streams' RocksDB stores, its status key and its "open" value (a long). */
    private static final byte[] OFFSETS_FAMILY = "offsets".getBytes(StandardCharsets.UTF_8);
    private static final byte[] STATUS_KEY = "status".getBytes(StandardCharsets.UTF_8);
    private static final byte[] POSITION_KEY = "position".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OPEN = ByteBuffer.allocate(Long.BYTES).putLong(1L).array();
    /** Task directories ({@code <subtopology>_<partition>}); {@code global} holds global stores, not judged. */
    private static final Pattern TASK_DIRECTORY = Pattern.compile("\\d+_\\d+");

    private StateHealer() {
    }

    /**
     * Checks every store of {@code application.id} under {@code stateDir}, wipes each task directory that holds an
     * unopenable one (logged at WARN, once per store) and, under exactly-once, each task directory with a store left
     * open by a crash (one INFO line for all of them).
     *
     * @throws UncheckedIOException when a task directory cannot be moved away (then Kafka Streams could not use it
     *         either)
     */
    public static Healed heal(Path stateDir, String applicationId, boolean exactlyOnce) {
        Path wipedDir = stateDir.resolve(WIPED_DIR).resolve(applicationId);
        deleteLeftovers(wipedDir);
        Path appDir = stateDir.resolve(applicationId);
        if (!Files.isDirectory(appDir)) {
            return Healed.NOTHING;
        }
        // Kafka Streams' own lock of the application's directory: held, another process runs this app on this
        // directory (a misconfiguration Kafka Streams reports itself), and its stores are not ours to judge.
        try (FileChannel channel = FileChannel.open(appDir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
            if (lock == null) {
                LOG.warn("{} is locked by another process; its stores are not checked", appDir);
                return Healed.NOTHING;
            }
            Healed healed = check(appDir, exactlyOnce);
            for (UnopenableStore store : healed.unopenable()) {
                if (Files.exists(store.taskDirectory())) { // else another store of the task directory came first
                    LOG.warn("State store {} of {} cannot be opened ({}); wiping task directory {} so that it is "
                            + "restored from its changelog (a crash during an earlier wipe leaves such a store)",
                            appDir.relativize(store.store()), applicationId, store.error(), store.taskDirectory());
                    wipe(store.taskDirectory(), wipedDir);
                }
            }
            if (!healed.leftOpen().isEmpty()) {
                LOG.info("{} did not stop cleanly: under exactly-once the stores it left open may hold uncommitted "
                        + "writes; wiping {} to restore them from their changelogs (as Kafka Streams would after "
                        + "opening them)", applicationId,
                        healed.leftOpen().stream().map(p -> p.getFileName().toString()).toList());
                healed.leftOpen().forEach(task -> wipe(task, wipedDir));
            }
            if (!healed.unopenable().isEmpty() || !healed.leftOpen().isEmpty()) {
                deleteLeftovers(wipedDir);
            }
            return healed;
        } catch (OverlappingFileLockException e) {
            LOG.warn("{} is locked by a running app of this process; its stores are not checked", appDir);
            return Healed.NOTHING;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot lock the state directory " + appDir, e);
        }
    }

    /** Every task directory under {@code appDir} with an unopenable store or (exactlyOnce) a store left open. */
    static Healed check(Path appDir, boolean exactlyOnce) {
        List<UnopenableStore> unopenable = new ArrayList<>();
        List<Path> leftOpen = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(appDir)) {
            for (Path task : tasks.filter(Files::isDirectory).sorted().toList()) {
                boolean broken = false;
                // Per store: a key-value store is its directory (<task>/rocksdb/<store>), a segmented store the
                // directory of its segments (<task>/<store>/<store>.<segment>), each segment a RocksDB database.
                Map<Path, List<StoreCheck>> stores = new TreeMap<>();
                for (Path dir : rocksDbDirectories(task)) {
                    StoreCheck check = check(dir);
                    if (check.error() != null) {
                        unopenable.add(new UnopenableStore(task, dir, check.error()));
                        broken = true;
                    }
                    Path store = dir.getParent().getFileName().toString().equals("rocksdb") ? dir : dir.getParent();
                    stores.computeIfAbsent(store, k -> new ArrayList<>()).add(check);
                }
                if (exactlyOnce && !broken && TASK_DIRECTORY.matcher(task.getFileName().toString()).matches()
                        && stores.values().stream().anyMatch(StateHealer::leftUnclean)) {
                    leftOpen.add(task);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the state directory " + appDir, e);
        }
        return new Healed(unopenable, leftOpen);
    }

    /**
     * Whether Kafka Streams 4.3 under exactly-once will find this store corrupted: a segment marked open, or (the
     * usual case after a SIGKILL: offsets are written with the data at a flush, and the status only then) no committed
     * changelog offset in any segment ({@code ProcessorStateManager.initializeStoreOffsets}: "did not find checkpoint
     * offsets while stores are not empty"). Stores without the offsets column family are not judged.
     */
    private static boolean leftUnclean(List<StoreCheck> segments) {
        return segments.stream().anyMatch(StoreCheck::leftOpen)
                || segments.stream().allMatch(StoreCheck::offsetsFamily)
                        && segments.stream().noneMatch(StoreCheck::committedOffset);
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

    /**
     * Opens the store read-only: RocksDB's error if that fails; else whether Kafka Streams' status key says the store
     * is still open. Kafka Streams 4.3 ({@code AbstractColumnFamilyAccessor}) writes status 1 into the {@code offsets}
     * column family when it opens a store and 0 when it closes it, and under exactly-once treats a store found at 1 as
     * corrupted ({@code RocksDBStore.openDB} throws {@code TaskCorruptedException}, the task is wiped). Where a later
     * version changes that, nothing is found left open here and Kafka Streams does its own check.
     */
    static StoreCheck check(Path store) {
        if (!Files.exists(store.resolve("CURRENT"))) {
            // Data files without the pointer to the MANIFEST that lists them: what a wipe leaves when it deleted
            // CURRENT first. RocksDB would start an empty database over them; Kafka Streams would then wipe it again.
            return StoreCheck.unopenable("no CURRENT file beside its data files");
        }
        RocksDB.loadLibrary();
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (Options options = new Options()) {
            List<ColumnFamilyDescriptor> families = new ArrayList<>();
            int offsets = -1;
            for (byte[] family : RocksDB.listColumnFamilies(options, store.toString())) {
                offsets = Arrays.equals(family, OFFSETS_FAMILY) ? families.size() : offsets;
                families.add(new ColumnFamilyDescriptor(family));
            }
            if (families.isEmpty()) {
                // Listed from the MANIFEST: none when it is missing. The open below then says why, in RocksDB's words.
                families.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
            }
            // A few open files: the consistency check of the open looks up every live SST file without opening it.
            try (DBOptions dbOptions = new DBOptions().setMaxOpenFiles(16);
                    RocksDB db = RocksDB.openReadOnly(dbOptions, store.toString(), families, handles)) {
                if (offsets < 0) {
                    return new StoreCheck(null, false, false, false);
                }
                boolean committed = false;
                try (RocksIterator keys = db.newIterator(handles.get(offsets))) {
                    for (keys.seekToFirst(); keys.isValid() && !committed; keys.next()) {
                        committed = !Arrays.equals(keys.key(), STATUS_KEY) && !Arrays.equals(keys.key(), POSITION_KEY);
                    }
                }
                return new StoreCheck(null, true, committed, Arrays.equals(OPEN, db.get(handles.get(offsets),
                        STATUS_KEY)));
            } finally {
                handles.forEach(ColumnFamilyHandle::close);
            }
        } catch (RocksDBException e) {
            return StoreCheck.unopenable(e.getMessage());
        }
    }

    /** Renames {@code taskDir} out of its application's directory (atomic), then deletes it. */
    private static void wipe(Path taskDir, Path wipedDir) {
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
