package io.spendstream.anomaly.state;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * Read-only list views of primitive arrays, for the Avro records a state is written through: Avro's writer walks a
 * list element by element, so a view boxes each value only while it is written, where a boxed copy of the array
 * ({@code Arrays.stream(values).boxed().toList()}) kept every box and two arrays alive for the whole record (issue 18:
 * a series' state is written at every commit that changed it).
 */
final class PrimitiveLists {

    private PrimitiveLists() {
    }

    static List<Double> of(double[] values) {
        return new DoubleView(values);
    }

    /** The values as the floats the state stores them as (counts: their precision as stored is the restored one). */
    static List<Float> asFloats(double[] values) {
        return new FloatView(values);
    }

    static List<Long> of(long[] values) {
        return new LongView(values);
    }

    static List<Integer> of(int[] values) {
        return new IntView(values);
    }

    private static final class DoubleView extends AbstractList<Double> implements RandomAccess {
        private final double[] values;

        DoubleView(double[] values) {
            this.values = values;
        }

        @Override
        public Double get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }

    private static final class FloatView extends AbstractList<Float> implements RandomAccess {
        private final double[] values;

        FloatView(double[] values) {
            this.values = values;
        }

        @Override
        public Float get(int index) {
            return (float) values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }

    private static final class LongView extends AbstractList<Long> implements RandomAccess {
        private final long[] values;

        LongView(long[] values) {
            this.values = values;
        }

        @Override
        public Long get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }

    private static final class IntView extends AbstractList<Integer> implements RandomAccess {
        private final int[] values;

        IntView(int[] values) {
            this.values = values;
        }

        @Override
        public Integer get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }
}
