package io.spendstream.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * Stores laid out as Kafka Streams lays them out ({@code <state.dir>/<application.id>/<task>/rocksdb/<store>} for
 * key-value stores, {@code <task>/<store>/<store>.<segment>} for window segments), each a real RocksDB database with
 * Kafka Streams' {@code offsets} column family, made unopenable the ways an interrupted recursive delete leaves them.
 */
class StateHealerTest {

    private static final String APP = "spendstream-attribution";

    @TempDir
    Path stateDir;

    @Test
    void shouldWipeTheTaskWhoseStoreLostItsManifestAndKeepTheOthers() throws Exception {
        Path broken = store("0_1/rocksdb/attribution-burn-rate-scopes");
        Path sibling = store("0_1/rocksdb/attribution-budgets");
        Path healthy = store("0_2/rocksdb/attribution-burn-rate-scopes");
        Path segment = store("1_0/attribution-unit-cost-minutes/attribution-unit-cost-minutes.1763600000000");
        deleteAll(broken, "MANIFEST-");

        List<StateHealer.UnopenableStore> healed = StateHealer.heal(stateDir, APP, true).unopenable();

        assertThat(healed).singleElement().satisfies(store -> {
            assertThat(store.store()).isEqualTo(broken);
            assertThat(store.error()).contains("MANIFEST").contains("No such file");
        });
        assertThat(broken.getParent().getParent()).as("the whole task directory (its other stores included)")
                .doesNotExist();
        assertThat(sibling).doesNotExist();
        assertThat(StateHealer.check(healthy).error()).isNull();
        assertThat(StateHealer.check(segment).error()).isNull();
        assertThat(stateDir.resolve(StateHealer.WIPED_DIR).resolve(APP)).as("the moved directory, deleted")
                .doesNotExist();
        assertThat(StateHealer.heal(stateDir, APP, true)).as("a second start finds nothing to heal")
                .isEqualTo(StateHealer.Healed.NOTHING);
    }

    @Test
    void shouldWipeASegmentWhoseSstFileIsGoneAndAStoreWithoutCurrent() throws Exception {
        Path segment = store("1_3/attribution-unit-cost-minutes/attribution-unit-cost-minutes.1763600000000");
        Path noCurrent = store("2_0/rocksdb/anomaly-gate");
        deleteAll(segment, ".sst");
        Files.delete(noCurrent.resolve("CURRENT"));

        assertThat(StateHealer.heal(stateDir, APP, true).unopenable()).extracting(StateHealer.UnopenableStore::store)
                .containsExactly(segment, noCurrent);
        assertThat(stateDir.resolve(APP).resolve("1_3")).doesNotExist();
        assertThat(stateDir.resolve(APP).resolve("2_0")).doesNotExist();
    }

    @Test
    void shouldFinishTheDeleteOfAnEarlierWipeThatWasInterrupted() throws Exception {
        Path leftover = stateDir.resolve(StateHealer.WIPED_DIR).resolve(APP).resolve("0_1-12345/rocksdb/x");
        Files.createDirectories(leftover);
        Files.writeString(leftover.resolve("000009.sst"), "half deleted");

        assertThat(StateHealer.heal(stateDir, APP, true)).isEqualTo(StateHealer.Healed.NOTHING);

        assertThat(stateDir.resolve(StateHealer.WIPED_DIR).resolve(APP)).doesNotExist();
    }

    @Test
    void shouldLeaveTheStoresOfADirectoryAnotherProcessHoldsAlone() throws Exception {
        Path broken = store("0_1/rocksdb/attribution-burn-rate-scopes");
        deleteAll(broken, "MANIFEST-");
        // A JVM holds one lock per file: the second tryLock of this test would throw, as for an app of this process.
        try (FileChannel channel = FileChannel.open(stateDir.resolve(APP).resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
            assertThat(StateHealer.heal(stateDir, APP, true)).isEqualTo(StateHealer.Healed.NOTHING);
            assertThat(broken).exists();
        }
        assertThat(StateHealer.heal(stateDir, APP, true).unopenable()).hasSize(1);
    }

    @Test
    void shouldWipeTheTasksWhoseStoresAnUncleanStopLeftOpenUnderExactlyOnceOnly() throws Exception {
        Path open = store("0_1/rocksdb/attribution-burn-rate-scopes", 1, true);
        Path closedSibling = store("0_1/rocksdb/attribution-budgets");
        Path closed = store("0_2/rocksdb/attribution-burn-rate-scopes");
        // A SIGKILL before the first flush of the offsets (the usual case): no committed offset in any segment.
        Path segment = store("1_0/attribution-unit-cost-minutes/attribution-unit-cost-minutes.1763600000000", 0, false);
        Path otherSegment = store("1_0/attribution-unit-cost-minutes/attribution-unit-cost-minutes.1763603600000", 0,
                false);
        // A segmented store is clean when one segment holds the offset (Kafka Streams reads the newest that does).
        Path oldSegment = store("1_1/attribution-unit-cost-minutes/attribution-unit-cost-minutes.1763600000000");
        store("1_1/attribution-unit-cost-minutes/attribution-unit-cost-minutes.1763603600000", 0, false);
        Path global = store("global/rocksdb/prices", 0, false);

        assertThat(StateHealer.heal(stateDir, APP, false)).as("at-least-once keeps what it finds")
                .isEqualTo(StateHealer.Healed.NOTHING);
        assertThat(open).exists();

        StateHealer.Healed healed = StateHealer.heal(stateDir, APP, true);
        assertThat(healed.unopenable()).isEmpty();
        assertThat(healed.leftOpen()).containsExactly(stateDir.resolve(APP).resolve("0_1"),
                stateDir.resolve(APP).resolve("1_0"));
        assertThat(open).doesNotExist();
        assertThat(closedSibling).doesNotExist();
        assertThat(segment).doesNotExist();
        assertThat(otherSegment).doesNotExist();
        assertThat(closed).exists();
        assertThat(oldSegment).exists();
        assertThat(global).as("global stores are not judged").exists();
    }

    @Test
    void shouldDoNothingWithoutState() {
        assertThat(StateHealer.heal(stateDir, APP, true)).isEqualTo(StateHealer.Healed.NOTHING);
    }

    /** A RocksDB database with data in two SST files and Kafka Streams' offsets column family. */
    private Path store(String relative) throws RocksDBException, IOException {
        return store(relative, 0, true);
    }

    /**
     * {@link #store(String)} with Kafka Streams' status (0 closed, 1 open: its process died with it open) and with or
     * without a committed changelog offset.
     */
    private Path store(String relative, long status, boolean committed) throws RocksDBException, IOException {
        Path dir = stateDir.resolve(APP).resolve(relative);
        Files.createDirectories(dir);
        RocksDB.loadLibrary();
        List<ColumnFamilyDescriptor> families = List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                new ColumnFamilyDescriptor("offsets".getBytes(StandardCharsets.UTF_8)));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
                RocksDB db = RocksDB.open(options, dir.toString(), families, handles);
                FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            for (int batch = 0; batch < 2; batch++) {
                for (int i = 0; i < 100; i++) {
                    db.put(("key-" + batch + "-" + i).getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3});
                }
                db.put(handles.get(1), "status".getBytes(StandardCharsets.UTF_8),
                        ByteBuffer.allocate(Long.BYTES).putLong(status).array());
                if (committed) {
                    db.put(handles.get(1), "spendstream-attribution-store-changelog-1".getBytes(StandardCharsets.UTF_8),
                            ByteBuffer.allocate(Long.BYTES).putLong(41L + batch).array());
                }
                db.flush(flush, handles);
            }
        } finally {
            handles.forEach(ColumnFamilyHandle::close);
        }
        assertThat(StateHealer.check(dir)).as("a fresh store opens")
                .isEqualTo(new StateHealer.StoreCheck(null, true, committed, status == 1));
        return dir;
    }

    private static void deleteAll(Path dir, String namePart) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> matching = files.filter(f -> f.getFileName().toString().contains(namePart)).toList();
            assertThat(matching).as("files of %s named *%s*", dir, namePart).isNotEmpty();
            for (Path file : matching) {
                Files.delete(file);
            }
        }
    }
}
