package tf.ourworld.hero.procservice.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiRequestTest {
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "GET    | /apis/hero.ourworld.tf/v1alpha1/procservices?limit=500                          | list   | hero.ourworld.tf      | procservices           | -",
      "GET    | /apis/hero.ourworld.tf/v1alpha1/procservices?allowWatchBookmarks=true&watch=true | watch  | hero.ourworld.tf      | procservices           | -",
      "GET    | /apis/hero.ourworld.tf/v1alpha1/namespaces/hero/procservices/foundry           | get    | hero.ourworld.tf      | procservices           | hero",
      "PATCH  | /apis/hero.ourworld.tf/v1alpha1/namespaces/hero/procservices/foundry/status    | patch  | hero.ourworld.tf      | procservices/status    | hero",
      "PUT    | /apis/hero.ourworld.tf/v1alpha1/namespaces/hero/procservices/foundry           | update | hero.ourworld.tf      | procservices           | hero",
      "POST   | /api/v1/namespaces/hero/pods                                                    | create | ''                    | pods                   | hero",
      "DELETE | /api/v1/namespaces/hero/pods/foundry                                            | delete | ''                    | pods                   | hero",
      "DELETE | /api/v1/namespaces/hero/events                                                  | deletecollection | ''          | events                 | hero",
      "GET    | /api/v1/namespaces/hero/pods?fieldSelector=metadata.name%3Dx&watch=true         | watch  | ''                    | pods                   | hero",
      "GET    | /api/v1/namespaces/hero                                                         | get    | ''                    | namespaces             | -",
      "GET    | /api/v1/namespaces                                                              | list   | ''                    | namespaces             | -",
      "PUT    | /apis/coordination.k8s.io/v1/namespaces/ops/leases/lock                         | update | coordination.k8s.io   | leases                 | ops",
      "GET    | /apis/apiextensions.k8s.io/v1/customresourcedefinitions/procservices.hero.ourworld.tf | get | apiextensions.k8s.io | customresourcedefinitions | -",
  })
  void mapsRequestsToRbacAccess(String method, String path, String verb, String group, String resource, String ns) {
    ApiRequest.Access a = new ApiRequest(method, path).access().orElseThrow();
    assertThat(a.verb()).isEqualTo(verb);
    assertThat(a.apiGroup()).isEqualTo(group);
    assertThat(a.ruleResource()).isEqualTo(resource);
    assertThat(a.namespace()).isEqualTo(ns);
  }

  @Test
  void discoveryIsNotAResourceRequest() {
    assertThat(new ApiRequest("GET", "/api").access()).isEmpty();
    assertThat(new ApiRequest("GET", "/apis").access()).isEmpty();
    assertThat(new ApiRequest("GET", "/apis/hero.ourworld.tf/v1alpha1").access()).isEmpty();
    assertThat(new ApiRequest("GET", "/api/v1").access()).isEmpty();
    assertThat(new ApiRequest("GET", "/version").access()).isEmpty();
  }
}
