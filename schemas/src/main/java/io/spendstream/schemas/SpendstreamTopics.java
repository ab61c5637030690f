package io.spendstream.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import io.spendstream.avro.Alert;
import io.spendstream.avro.Allocation;
import io.spendstream.avro.Anomaly;
import io.spendstream.avro.ApmRecord;
import io.spendstream.avro.AttributedCost;
import io.spendstream.avro.BurnRate;
import io.spendstream.avro.CommitmentUtilisation;
import io.spendstream.avro.CostRecord;
import io.spendstream.avro.DeadLetter;
import io.spendstream.avro.Reconciliation;
import io.spendstream.avro.ServiceValue;
import io.spendstream.avro.UnitCost;
import io.spendstream.schemas.registry.SchemaRegistryClient;
import io.spendstream.schemas.serde.ConfluentAvroSerde;

/**
 * Every topic of the pipeline with its serdes: raw inputs are JSON read as bytes (so a bad record can be dead-lettered
 * with its exact bytes), everything Spendstream writes is Confluent-framed Avro with Avro string keys.
 * The DLQ key is the raw key as received.
 *
 * <p>Each Avro serde writes under one subject: a topic's under {@code <topic>-key} / {@code <topic>-value}, also when
 * an app writes it to an internal topic; one of a record kept only in state ({@link #avroSerde}) under the record's
 * full name. {@link #registerSchemas()} registers them all at start-up, after the topology is built, so that
 * processing never calls the registry to write (see {@link ConfluentAvroSerde}).
 */
public final class SpendstreamTopics {

    public final Topic<byte[], byte[]> usageRaw;
    public final Topic<byte[], byte[]> apmRaw;
    public final Topic<String, byte[]> tags;
    public final Topic<String, byte[]> budgets;
    public final Topic<String, byte[]> fxRates;
    public final Topic<String, byte[]> prices;
    public final Topic<String, byte[]> silences;
    public final Topic<String, CostRecord> cost;
    public final Topic<String, ApmRecord> apm;
    public final Topic<String, AttributedCost> costAttributed;
    public final Topic<String, UnitCost> unitCost;
    /**
     * {@link #unitCost} read without each window's {@code children} (left null in the records read): for a reader
     * that uses none of them, such as attribution's value figures, which read back every unit-cost record (issue 18).
     * The same topic; not in {@link #all()}, and writing through it writes full records.
     */
    public final Topic<String, UnitCost> unitCostWithoutChildren;
    public final Topic<String, Allocation> allocation;
    public final Topic<String, CommitmentUtilisation> commitments;
    public final Topic<String, BurnRate> burnRate;
    public final Topic<String, Reconciliation> reconciliation;
    public final Topic<String, ServiceValue> value;
    public final Topic<String, Anomaly> anomalies;
    public final Topic<String, Alert> alerts;
    public final Topic<byte[], DeadLetter> dlq;

    private final SchemaRegistryClient registry;
    /** Every Avro serde handed out, in order: what {@link #registerSchemas()} registers. */
    private final List<ConfluentAvroSerde<?>> avroSerdes = new ArrayList<>();
    private final Map<Class<?>, Serde<?>> stateSerdes = new ConcurrentHashMap<>();

    public SpendstreamTopics(TopicNames names, SchemaRegistryClient registry) {
        this.registry = registry;
        Serde<byte[]> bytes = Serdes.ByteArray();
        Serde<String> text = Serdes.String();
        usageRaw = new Topic<>(names.name("usage-raw"), bytes, bytes, false);
        apmRaw = new Topic<>(names.name("apm-raw"), bytes, bytes, false);
        tags = new Topic<>(names.name("tags"), text, bytes, true);
        budgets = new Topic<>(names.name("budgets"), text, bytes, true);
        fxRates = new Topic<>(names.name("fx-rates"), text, bytes, true);
        prices = new Topic<>(names.name("prices"), text, bytes, true);
        silences = new Topic<>(names.name("silences"), text, bytes, true);
        cost = avro(names.name("cost"), CostRecord.class);
        apm = avro(names.name("apm"), ApmRecord.class);
        costAttributed = avro(names.name("cost-attributed"), AttributedCost.class);
        unitCost = avro(names.name("unit-cost"), UnitCost.class);
        unitCostWithoutChildren = new Topic<>(unitCost.name(), unitCost.keySerde(),
                ((ConfluentAvroSerde<UnitCost>) unitCost.valueSerde()).withoutTrailingFields("children"), false);
        allocation = avro(names.name("allocation"), Allocation.class);
        commitments = avro(names.name("commitments"), CommitmentUtilisation.class);
        burnRate = avro(names.name("burn-rate"), BurnRate.class);
        reconciliation = avro(names.name("reconciliation"), Reconciliation.class);
        value = avro(names.name("value"), ServiceValue.class);
        anomalies = avro(names.name("anomalies"), Anomaly.class);
        alerts = avro(names.name("alerts"), Alert.class);
        String dlqName = names.name("dlq");
        dlq = new Topic<>(dlqName, bytes,
                track(ConfluentAvroSerde.forRecord(DeadLetter.class, registry, dlqName + "-value")), false);
    }

    private <V extends org.apache.avro.specific.SpecificRecord> Topic<String, V> avro(String name, Class<V> type) {
        return new Topic<>(name, track(ConfluentAvroSerde.forString(registry, name + "-key")),
                track(ConfluentAvroSerde.forRecord(type, registry, name + "-value")), false);
    }

    private synchronized <T> ConfluentAvroSerde<T> track(ConfluentAvroSerde<T> serde) {
        avroSerdes.add(serde);
        return serde;
    }

    /**
     * Registers the schema of every Avro serde handed out so far (call it after the topology is built) and returns
     * how many subjects that was. Registering is idempotent: a restart finds the ids of its own schemas.
     *
     * @throws io.spendstream.schemas.registry.SchemaRegistryException when the registry cannot or will not register
     *         one (e.g. an incompatible schema)
     */
    public int registerSchemas() {
        List<ConfluentAvroSerde<?>> serdes;
        synchronized (this) {
            serdes = List.copyOf(avroSerdes);
        }
        serdes.forEach(ConfluentAvroSerde::register);
        return serdes.size();
    }

    /** The registry the Avro serdes use (also for serdes of state stores and repartition topics). */
    public SchemaRegistryClient registry() {
        return registry;
    }

    /**
     * Avro serde for a record type that is not a topic's value, e.g. a state store's value: one per type, writing
     * under the record's full name (e.g. {@code io.spendstream.avro.ChargeState}) whichever changelog or repartition
     * topic it writes to.
     */
    @SuppressWarnings("unchecked")
    public <V extends org.apache.avro.specific.SpecificRecord> Serde<V> avroSerde(Class<V> type) {
        return (Serde<V>) stateSerdes.computeIfAbsent(type, t -> track(ConfluentAvroSerde.forRecord(type, registry,
                type.getName())));
    }

    /** The Avro serde of a topic's values: every topic Spendstream writes has one. */
    @SuppressWarnings("unchecked")
    public <V extends org.apache.avro.specific.SpecificRecord> ConfluentAvroSerde<V> avroValues(Topic<?, V> topic) {
        if (!(topic.valueSerde() instanceof ConfluentAvroSerde<?> serde)) {
            throw new IllegalArgumentException(topic.name() + " has no Avro values");
        }
        return (ConfluentAvroSerde<V>) serde;
    }

    public List<Topic<?, ?>> all() {
        return List.of(usageRaw, apmRaw, tags, budgets, fxRates, prices, silences, cost, apm, costAttributed,
                unitCost, allocation, commitments, burnRate, reconciliation, value, anomalies, alerts, dlq);
    }

    public Optional<Topic<?, ?>> byName(String name) {
        return all().stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
