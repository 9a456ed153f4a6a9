package org.openclaw.sessionstatus.source.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.openclaw.sessionstatus.io.RegularFiles;

/**
 * The daemon's device identity towards the gateway (protocol {@code auth.md}): one Ed25519 key, kept in the daemon's
 * own state dir (mode 0600) so the gateway pairs one device per daemon, not one per connect. The id is the hex SHA-256
 * of the raw 32-byte public key; the public key and signatures travel as unpadded base64url.
 */
public final class DeviceIdentity {
    /** The DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519; the raw key follows it. */
    private static final int SPKI_PREFIX_LENGTH = 12;
    private static final int MAX_FILE_BYTES = 16 * 1024;

    private final PrivateKey privateKey;
    private final byte[] rawPublicKey;

    private DeviceIdentity(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        byte[] spki = publicKey.getEncoded();
        this.rawPublicKey = Arrays.copyOfRange(spki, SPKI_PREFIX_LENGTH, spki.length);
    }

    /**
     * Reads the key from {@code file}, or creates it there (dir 0700, file 0600) when there is none. Two daemons
     * creating it at once end up with the same key: the file appears whole by a hard link that never replaces.
     */
    public static DeviceIdentity loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            create(file);
        }
        List<String> lines = new String(RegularFiles.read(file, MAX_FILE_BYTES), StandardCharsets.UTF_8)
                .strip().lines().toList();
        try {
            KeyFactory keys = KeyFactory.getInstance("Ed25519");
            Base64.Decoder base64 = Base64.getDecoder();
            return new DeviceIdentity(keys.generatePrivate(new PKCS8EncodedKeySpec(base64.decode(lines.get(0)))),
                    keys.generatePublic(new X509EncodedKeySpec(base64.decode(lines.get(1)))));
        } catch (GeneralSecurityException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IOException("the device key in " + file + " cannot be read (delete it to make a new one): " + e);
        }
    }

    private static void create(Path file) throws IOException {
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("this JVM cannot make an Ed25519 key", e);
        }
        Base64.Encoder base64 = Base64.getEncoder();
        String text = base64.encodeToString(pair.getPrivate().getEncoded()) + "\n"
                + base64.encodeToString(pair.getPublic().getEncoded()) + "\n";
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path temp = Files.createTempFile(dir, "device", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(temp, text);
            Files.createLink(file, temp);
        } catch (FileAlreadyExistsException e) {
            // Another instance made one meanwhile: use that.
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The hex SHA-256 of the raw public key. */
    public String id() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rawPublicKey));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** The raw public key, unpadded base64url. */
    public String publicKey() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(rawPublicKey);
    }

    /** The Ed25519 signature of the UTF-8 text, unpadded base64url. */
    public String sign(String text) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(privateKey);
            signature.update(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing with a loaded Ed25519 key failed", e);
        }
    }
}
