package net.sloop.status;

/** Where a {@link JsonWriter} or {@link CsvWriter} hands its bytes as its buffer fills: a socket, a response, an array. */
@FunctionalInterface
public interface ByteSink {
    void write(byte[] bytes, int offset, int length);

    /** A sink that collects everything into a growing array (for the edge and tests, not for the stack's thread). */
    final class Collect implements ByteSink {
        private byte[] bytes = new byte[4096];
        private int length;

        /** An empty sink. */
        public Collect() {}

        @Override
        public void write(byte[] b, int off, int len) {
            if (length + len > bytes.length) bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + len));
            System.arraycopy(b, off, bytes, length, len);
            length += len;
        }

        public void reset() {
            length = 0;
        }

        public int length() {
            return length;
        }

        public byte[] toByteArray() {
            return java.util.Arrays.copyOf(bytes, length);
        }

        @Override
        public String toString() {
            return new String(bytes, 0, length, java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
