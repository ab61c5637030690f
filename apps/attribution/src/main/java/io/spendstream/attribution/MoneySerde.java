package io.spendstream.attribution;

import java.math.BigDecimal;
import java.math.BigInteger;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import io.spendstream.schemas.Money;

/**
 * Serde of an exact amount in a state store or repartition topic: the two's-complement unscaled value at
 * {@link Money#SCALE} (the same bytes Avro's {@code decimal(38, 12)} uses), so a running sum survives its changelog
 * to the last digit. Private to the app's state; topics carry Avro records.
 */
public final class MoneySerde {

    private MoneySerde() {
    }

    public static Serde<BigDecimal> serde() {
        Serializer<BigDecimal> serializer = (topic, amount) -> amount == null ? null
                : Money.of(amount).unscaledValue().toByteArray();
        Deserializer<BigDecimal> deserializer = (topic, bytes) -> bytes == null ? null
                : new BigDecimal(new BigInteger(bytes), Money.SCALE);
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
