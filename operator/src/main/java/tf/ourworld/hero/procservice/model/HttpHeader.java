package tf.ourworld.hero.procservice.model;

import io.fabric8.generator.annotation.Required;

/** A request header of an HTTP probe. */
public class HttpHeader {
  @Required
  private String name;
  private String value;

  public HttpHeader() {
  }

  public HttpHeader(String name, String value) {
    this.name = name;
    this.value = value;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getValue() {
    return value;
  }

  public void setValue(String value) {
    this.value = value;
  }
}
