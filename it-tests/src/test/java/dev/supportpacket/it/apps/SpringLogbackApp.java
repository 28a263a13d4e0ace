package dev.supportpacket.it.apps;

import java.lang.reflect.Method;

/**
 * A Spring Boot application (no web) that logs to a file through Logback ({@code logging.file.name} in the
 * {@code application.yml} the test writes into its working directory). It logs its datasource password in a line
 * no pattern would recognise, as careless applications do. Spring and SLF4J are reached by reflection, so that they
 * stay off the tests' own class path: the test passes their jars to this JVM only.
 */
public final class SpringLogbackApp {
  public static final String STARTED = "it-spring-started";

  /** Spring instantiates its primary source as a bean. */
  public SpringLogbackApp() {}

  public static void main(String[] args) throws Exception {
    Class<?> springApplication = Class.forName("org.springframework.boot.SpringApplication");
    Object context = springApplication.getMethod("run", Class.class, String[].class)
        .invoke(null, SpringLogbackApp.class, args);
    Object env = Class.forName("org.springframework.context.ConfigurableApplicationContext")
        .getMethod("getEnvironment").invoke(context);
    Method property = Class.forName("org.springframework.core.env.PropertyResolver").getMethod("getProperty",
        String.class);
    Class<?> loggerType = Class.forName("org.slf4j.Logger");
    Object log = Class.forName("org.slf4j.LoggerFactory").getMethod("getLogger", String.class).invoke(null, "it.app");
    Method info = loggerType.getMethod("info", String.class);
    info.invoke(log, STARTED + " greeting=" + property.invoke(env, "app.greeting"));
    info.invoke(log, "connecting with secret " + property.invoke(env, "spring.datasource.password"));
    Ready.announce();
  }
}
