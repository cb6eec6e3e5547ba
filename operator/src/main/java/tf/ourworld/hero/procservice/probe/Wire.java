package tf.ourworld.hero.procservice.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A connected byte stream a probe talks over: a TCP or UNIX socket channel, or a TLS socket. */
interface Wire {

  void write(byte[] bytes) throws IOException;

  /** Blocking read; -1 at end of stream. */
  int read(byte[] buf, int off, int len) throws IOException;

  /** A blocking socket channel (TCP or UNIX domain). */
  static Wire of(SocketChannel channel) {
    return new Wire() {
      @Override
      public void write(byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          channel.write(buf);
        }
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        return channel.read(ByteBuffer.wrap(buf, off, len));
      }
    };
  }

  /** A connected socket (used for TLS). */
  static Wire of(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    return new Wire() {
      @Override
      public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        return in.read(buf, off, len);
      }
    };
  }
}
