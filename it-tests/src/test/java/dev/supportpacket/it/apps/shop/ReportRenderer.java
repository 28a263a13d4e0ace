package dev.supportpacket.it.apps.shop;

import dev.supportpacket.it.apps.Ready;

/** Lays out a report whose row count never converges: one thread spins in the layout loop forever. */
public final class ReportRenderer {
  static volatile long sink;

  private ReportRenderer() {}

  public static void main(String[] args) throws Exception {
    Thread t = new Thread(ReportRenderer::render, "report-renderer");
    t.setDaemon(true);
    t.start();
    Ready.announce();
  }

  static void render() {
    while (true) {
      sink += layoutRows(10_000);
    }
  }

  static long layoutRows(int rows) {
    long width = 0;
    for (int r = 0; r < rows; r++) {
      width += (r * 31L) ^ (width >>> 3);
    }
    return width;
  }
}
