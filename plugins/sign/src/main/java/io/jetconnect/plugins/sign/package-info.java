/**
 * The {@code sign} plugin: {@link io.jetconnect.plugins.sign.SignDecorator} signs events with HMAC-SHA256 or
 * Ed25519 over a canonical byte sequence of their attributes and data, and
 * {@link io.jetconnect.plugins.sign.VerifyCommand} ({@code jetconnect verify}) checks those signatures in a
 * JetStream stream or a JSON Lines file. The canonical form, the key formats and the test vectors are specified in
 * docs/signing.md. Everything but the two extensions is package-private.
 */
package io.jetconnect.plugins.sign;
