package dev.supportpacket.agent.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FrameNamesTest {
  @Test
  void lambdaFramesOfEveryJdkFoldIntoOneName() {
    assertEquals("com.acme.Orders$$Lambda", FrameNames.normalise("com.acme.Orders$$Lambda$485/0x0000000800c9b440"));
    assertEquals("com.acme.Orders$$Lambda", FrameNames.normalise("com.acme.Orders$$Lambda/0x00007f03a4000a08"));
    assertEquals("Busy$$Lambda.run", FrameNames.normalise("Busy$$Lambda$1+0x00007f03a4000a08.2060468723.run"));
    assertEquals("java.lang.invoke.LambdaForm$MH.invoke",
        FrameNames.normalise("java.lang.invoke.LambdaForm$MH/0x0000000800d0c400.invoke"));
  }

  @Test
  void ordinaryNamesStayAsTheyAre() {
    assertEquals("com.acme.Orders$Inner.place", FrameNames.normalise("com.acme.Orders$Inner.place"));
    assertEquals("com.acme.Hex0xCafe", FrameNames.normalise("com.acme.Hex0xCafe"));
  }

  @Test
  void framesReadLikeTheJdksOwn() {
    assertEquals("a.B$$Lambda.run(Unknown Source)",
        FrameNames.of(new StackTraceElement("a.B$$Lambda$14/0x0000000800c0b000", "run", null, -1)));
    assertEquals("a.B.c(B.java:12)", FrameNames.of(new StackTraceElement("a.B", "c", "B.java", 12)));
    assertEquals("a.B.n(Native Method)", FrameNames.of(new StackTraceElement("a.B", "n", "B.java", -2)));
  }
}
