package io.jetconnect.nats;

import io.nats.client.NKey;
import io.nats.client.support.JsonSerializable;
import io.nats.client.support.JwtUtils;
import java.time.Duration;

/**
 * NATS operator mode for a test: an operator, an account and a user, each an NKey, with the operator's JWT, the
 * account's JWT signed by the operator, and a user JWT signed by the account, in a {@code .creds} file's format.
 * jnats' {@link JwtUtils#issueJWT} signs them (header, claims with {@code jti}, Ed25519 signature).
 */
final class TestJwts {

    final NKey operator;
    final NKey account;
    final String operatorJwt;
    final String accountJwt;

    TestJwts() throws Exception {
        operator = NKey.createOperator(null);
        account = NKey.createAccount(null);
        String operatorPub = new String(operator.getPublicKey());
        String accountPub = new String(account.getPublicKey());
        long now = JwtUtils.currentTimeSeconds();
        operatorJwt = JwtUtils.issueJWT(operator, operatorPub, "test-operator", null, now, operatorPub,
                json("{\"type\":\"operator\",\"version\":2}"));
        accountJwt = JwtUtils.issueJWT(operator, accountPub, "test-account", null, now, operatorPub,
                json("{\"limits\":{\"subs\":-1,\"data\":-1,\"payload\":-1,\"imports\":-1,\"exports\":-1,"
                        + "\"wildcards\":true,\"conn\":-1,\"leaf\":-1},\"type\":\"account\",\"version\":2}"));
    }

    /** @return the server configuration for operator mode with the memory resolver */
    String serverConfig(java.nio.file.Path dir) throws Exception {
        java.nio.file.Path op = java.nio.file.Files.writeString(dir.resolve("operator.jwt"), operatorJwt);
        return "operator: \"" + op + "\"\nresolver: MEMORY\nresolver_preload: {\n  "
                + new String(account.getPublicKey()) + ": \"" + accountJwt + "\"\n}\n";
    }

    /**
     * @param signer the account key that signs the user's JWT (another account's makes a JWT the server refuses)
     * @return a {@code .creds} file's text for a new user
     */
    String creds(NKey signer) throws Exception {
        NKey user = NKey.createUser(null);
        String jwt = JwtUtils.issueUserJWT(signer, new String(signer.getPublicKey()),
                new String(user.getPublicKey()), "test-user", Duration.ofHours(1));
        return "-----BEGIN NATS USER JWT-----\n" + jwt + "\n------END NATS USER JWT------\n\n"
                + "-----BEGIN USER NKEY SEED-----\n" + new String(user.getSeed())
                + "\n------END USER NKEY SEED------\n";
    }

    private static JsonSerializable json(String text) {
        return () -> text;
    }
}
