/**
 * The CloudEvents NATS protocol binding as jetconnect uses it, and the JetStream constants its components share.
 * The host ships this module in {@code lib/}; plugins compile against it with scope {@code provided} and load it,
 * and jnats ({@code io.nats}), from the host, so every component reads a stored event the same way.
 */
package io.jetconnect.nats;
