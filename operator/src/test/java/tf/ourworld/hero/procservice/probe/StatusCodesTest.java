package tf.ourworld.hero.procservice.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatusCodesTest {
  @Test
  void defaultIs200To399() {
    StatusCodes codes = StatusCodes.parse(null);
    assertThat(codes.accepts(200)).isTrue();
    assertThat(codes.accepts(399)).isTrue();
    assertThat(codes.accepts(199)).isFalse();
    assertThat(codes.accepts(400)).isFalse();
    assertThat(StatusCodes.parse(List.of()).accepts(302)).isTrue();
  }

  @Test
  void codesAndRanges() {
    StatusCodes codes = StatusCodes.parse(List.of("200-299", " 418 ", "500 - 502"));
    assertThat(codes.accepts(250)).isTrue();
    assertThat(codes.accepts(418)).isTrue();
    assertThat(codes.accepts(501)).isTrue();
    assertThat(codes.accepts(302)).isFalse();
    assertThat(codes.accepts(503)).isFalse();
  }

  @Test
  void invalidEntriesNameTheField() {
    assertThatThrownBy(() -> StatusCodes.parse(List.of("2xx")))
        .hasMessage("expect.statusCodes: '2xx' is not a status code (100-599) or a range like 200-299");
    assertThatThrownBy(() -> StatusCodes.parse(List.of("299-200"))).hasMessageContaining("empty");
    assertThatThrownBy(() -> StatusCodes.parse(List.of("700"))).hasMessageContaining("'700'");
    assertThatThrownBy(() -> StatusCodes.parse(List.of("-200"))).hasMessageContaining("'-200'");
  }
}
