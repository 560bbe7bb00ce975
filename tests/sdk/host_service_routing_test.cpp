#include "ktrdr/sdk/host_service_routing.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>

using ktrdr::RoutingMode;
using ktrdr::RoutingOverride;

namespace {

ktrdr::EnvLookup fake_env(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

constexpr const char* kDefaultUrl = "http://localhost:5001";

}  // namespace

TEST_CASE("flags accept the usual spellings in any case", "[sdk][routing]") {
  for (const char* word : {"true", "TRUE", "1", "yes", "Yes", "on"}) {
    auto flag = ktrdr::parse_flag("USE_IB_HOST_SERVICE", word);
    REQUIRE(flag.ok());
    CHECK(*flag);
  }
  for (const char* word : {"false", "0", "no", "OFF"}) {
    auto flag = ktrdr::parse_flag("USE_IB_HOST_SERVICE", word);
    REQUIRE(flag.ok());
    CHECK_FALSE(*flag);
  }
}

TEST_CASE("a bad flag is an error naming the variable and the value", "[sdk][routing]") {
  auto flag = ktrdr::parse_flag("USE_IB_HOST_SERVICE", "maybe");
  REQUIRE_FALSE(flag.ok());
  CHECK(flag.error().code == ktrdr::ErrorCode::kInvalidArgument);
  CHECK(flag.error().message ==
        R"(USE_IB_HOST_SERVICE must be true/false/1/0/yes/no/on/off, got "maybe")");
  CHECK(flag.error().get("field") == "USE_IB_HOST_SERVICE");
  CHECK(flag.error().get("value") == "maybe");
}

TEST_CASE("routing is local by default", "[sdk][routing]") {
  auto decision = ktrdr::resolve_routing("IB", kDefaultUrl, {}, fake_env({}));
  REQUIRE(decision.ok());
  CHECK(decision->mode == RoutingMode::kLocal);
  CHECK(decision->source == "default");
  CHECK(decision->to_json().get_string("mode") == "local");
}

TEST_CASE("the environment turns host-service mode on", "[sdk][routing]") {
  SECTION("with the default URL") {
    auto decision =
        ktrdr::resolve_routing("IB", kDefaultUrl, {}, fake_env({{"USE_IB_HOST_SERVICE", "true"}}));
    REQUIRE(decision.ok());
    CHECK(decision->mode == RoutingMode::kHostService);
    CHECK(decision->url == kDefaultUrl);
    CHECK(decision->source == "env USE_IB_HOST_SERVICE");
    const auto json = decision->to_json();
    CHECK(json.get_string("mode") == "host_service");
    CHECK(json.get_string("url") == kDefaultUrl);
    CHECK(json.get_string("source") == "env USE_IB_HOST_SERVICE");
  }
  SECTION("with the URL from the environment") {
    auto decision = ktrdr::resolve_routing(
        "IB", kDefaultUrl, {},
        fake_env({{"USE_IB_HOST_SERVICE", "1"}, {"IB_HOST_SERVICE_URL", "http://gpu:5002"}}));
    REQUIRE(decision.ok());
    CHECK(decision->url == "http://gpu:5002");
  }
  SECTION("a flag that says no keeps it local") {
    auto decision =
        ktrdr::resolve_routing("IB", kDefaultUrl, {}, fake_env({{"USE_IB_HOST_SERVICE", "off"}}));
    REQUIRE(decision.ok());
    CHECK(decision->mode == RoutingMode::kLocal);
    CHECK(decision->source == "env USE_IB_HOST_SERVICE");
  }
}

TEST_CASE("invalid routing settings are errors naming the variable", "[sdk][routing]") {
  SECTION("a bad flag") {
    auto decision = ktrdr::resolve_routing("TRAINING", kDefaultUrl, {},
                                           fake_env({{"USE_TRAINING_HOST_SERVICE", "maybe"}}));
    REQUIRE_FALSE(decision.ok());
    CHECK(decision.error().get("field") == "USE_TRAINING_HOST_SERVICE");
  }
  SECTION("a URL that is not http://") {
    auto decision = ktrdr::resolve_routing(
        "IB", kDefaultUrl, {},
        fake_env({{"USE_IB_HOST_SERVICE", "yes"}, {"IB_HOST_SERVICE_URL", "gpu:5002"}}));
    REQUIRE_FALSE(decision.ok());
    CHECK(decision.error().code == ktrdr::ErrorCode::kInvalidArgument);
    CHECK(decision.error().get("field") == "IB_HOST_SERVICE_URL");
    CHECK_THAT(decision.error().message, Catch::Contains("IB_HOST_SERVICE_URL"));
  }
}

TEST_CASE("a job's own routing choice wins over the environment", "[sdk][routing]") {
  const auto env =
      fake_env({{"USE_IB_HOST_SERVICE", "true"}, {"IB_HOST_SERVICE_URL", "http://env:1"}});
  SECTION("the job asks for local") {
    RoutingOverride job;
    job.use_host_service = false;
    auto decision = ktrdr::resolve_routing("IB", kDefaultUrl, job, env);
    REQUIRE(decision.ok());
    CHECK(decision->mode == RoutingMode::kLocal);
    CHECK(decision->source == "job");
  }
  SECTION("the job names its own URL") {
    RoutingOverride job;
    job.url = "http://job:2";
    auto decision = ktrdr::resolve_routing("IB", kDefaultUrl, job, env);
    REQUIRE(decision.ok());
    CHECK(decision->url == "http://job:2");
  }
  SECTION("the job asks for the host service while the environment is invalid") {
    RoutingOverride job;
    job.use_host_service = true;
    auto decision = ktrdr::resolve_routing("IB", kDefaultUrl, job,
                                           fake_env({{"USE_IB_HOST_SERVICE", "maybe"}}));
    REQUIRE(decision.ok());
    CHECK(decision->mode == RoutingMode::kHostService);
    CHECK(decision->url == kDefaultUrl);
    CHECK(decision->source == "job");
  }
}
