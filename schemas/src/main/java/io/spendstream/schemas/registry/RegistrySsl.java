package io.spendstream.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS settings of the registry client, under Confluent's keys: {@code schema.registry.ssl.truststore.location},
 * {@code .truststore.password}, {@code .truststore.type}, {@code .keystore.location}, {@code .keystore.password},
 * {@code .keystore.type}, {@code .key.password}. Stores are PKCS12 unless a type says otherwise (the JDK also reads
 * JKS files as PKCS12). Host names are always verified.
 */
final class RegistrySsl {

    static final String PREFIX = "schema.registry.ssl.";

    private RegistrySsl() {
    }

    /** The SSL context for these settings, or null when none is set (the JVM's default trust store applies). */
    static SSLContext fromConfig(Map<String, ?> config) {
        String truststore = get(config, "truststore.location");
        String keystore = get(config, "keystore.location");
        if (truststore == null && keystore == null) {
            return null;
        }
        try {
            TrustManagerFactory trust = null;
            if (truststore != null) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(truststore, get(config, "truststore.type"), get(config, "truststore.password")));
            }
            KeyManagerFactory keys = null;
            if (keystore != null) {
                String storePassword = get(config, "keystore.password");
                String keyPassword = get(config, "key.password");
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(keystore, get(config, "keystore.type"), storePassword),
                        chars(keyPassword != null ? keyPassword : storePassword));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(),
                    null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot set up TLS for the schema registry from " + PREFIX + "*: " + e,
                    e);
        }
    }

    private static KeyStore load(String location, String type, String password)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(type == null ? "PKCS12" : type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, chars(password));
        }
        return store;
    }

    private static char[] chars(String password) {
        return password == null ? null : password.toCharArray();
    }

    private static String get(Map<String, ?> config, String key) {
        Object value = config.get(PREFIX + key);
        return value == null || value.toString().isBlank() ? null : value.toString();
    }
}
