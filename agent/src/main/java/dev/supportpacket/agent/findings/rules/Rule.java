package dev.supportpacket.agent.findings.rules;

import dev.supportpacket.agent.findings.model.PacketModel;
import java.util.List;

/** One kind of fault, judged from the packet model alone. Never throws for missing data: it finds nothing. */
public interface Rule {
  /** The category of the findings it makes, e.g. {@code deadlock}. */
  String id();

  List<Finding> apply(PacketModel model);
}
