package dev.supportpacket.it.apps;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;

/**
 * Target that holds key material as an application does: a freshly generated RSA private key (BigIntegers, their
 * magnitudes in int[]), an AES key (byte[]) with a cipher initialised with it (its expanded key in int[]), the AES
 * key again in two long fields (as a MAC's or cipher's state may keep key words), and a password String. Arguments:
 * a seed for the password, and the file to write the key's numbers to in hex ({@code name=hex} lines), so that the
 * test knows what to look for.
 */
public final class KeyHolderApp {
  /** The one object the test finds in the dump and follows to the keys. */
  public static final class Vault {
    final RSAPrivateCrtKey rsa;
    final SecretKey aes;
    final Cipher cipher;
    final long aesWord0;
    final long aesWord1;
    final String password;

    Vault(RSAPrivateCrtKey rsa, SecretKey aes, Cipher cipher, String password) {
      this.rsa = rsa;
      this.aes = aes;
      this.cipher = cipher;
      ByteBuffer words = ByteBuffer.wrap(aes.getEncoded());
      this.aesWord0 = words.getLong();
      this.aesWord1 = words.getLong();
      this.password = password;
    }
  }

  static Vault vault;

  private KeyHolderApp() {}

  /** The planted password for a seed, as the test computes it too. */
  public static String password(String seed) {
    return "vaultpw-" + seed;
  }

  public static void main(String[] args) throws Exception {
    KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
    rsaGen.initialize(2048);
    RSAPrivateCrtKey rsa = (RSAPrivateCrtKey) rsaGen.generateKeyPair().getPrivate();
    KeyGenerator aesGen = KeyGenerator.getInstance("AES");
    aesGen.init(256);
    SecretKey aes = aesGen.generateKey();
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, aes);
    cipher.updateAAD(new byte[16]); // the expanded key and the GHASH subkey are made by now
    vault = new Vault(rsa, aes, cipher, password(args[0]));
    String keys = "d=" + rsa.getPrivateExponent().toString(16) + "\np=" + rsa.getPrimeP().toString(16) + "\nq="
        + rsa.getPrimeQ().toString(16) + "\naes=" + HexFormat.of().formatHex(aes.getEncoded()) + "\n";
    Files.write(Paths.get(args[1]), keys.getBytes(StandardCharsets.US_ASCII));
    Ready.announce();
  }
}
