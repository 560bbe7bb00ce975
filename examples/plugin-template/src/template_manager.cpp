#include "template_manager.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>

#include "moving_average.hpp"
#include "template_progress_renderer.hpp"

namespace template_plugin {
namespace {

// Points between two cancellation checks and progress updates (about 0.1 ms of work).
constexpr std::uint64_t kPointsPerChunk = 1u << 16;

// The synthetic input: price i = start + slope·i. Replace with your domain's data.
struct PriceRamp {
  double start = 0.0;
  double slope = 0.0;
  double at(std::uint64_t i) const { return start + slope * static_cast<double>(i); }
};

// What the body has computed so far.
struct Averaged {
  std::uint64_t processed = 0;  // points added to the average
  std::uint64_t averages = 0;   // full windows, i.e. averages computed
  double last_average = 0.0;
};

// Feeds points [begin, end) of `prices` to `average` in chunks, reporting each chunk as items of
// `step`. Returns false, having stopped between two chunks, when `token` is cancelled.
bool feed(MovingAverage& average, const PriceRamp& prices, std::uint64_t begin, std::uint64_t end,
          const ktrdr::ProgressStep& step, const ktrdr::CancellationToken& token,
          Averaged& averaged) {
  for (std::uint64_t i = begin; i < end;) {
    if (token.is_cancelled()) return false;
    const std::uint64_t chunk_end = std::min(end, i + kPointsPerChunk);
    for (; i < chunk_end; ++i) {
      if (const auto value = average.add(prices.at(i))) {
        averaged.last_average = *value;
        ++averaged.averages;
      }
    }
    averaged.processed = i;
    step.set_items(static_cast<std::int64_t>(i - begin), static_cast<std::int64_t>(end - begin),
                   "points");
  }
  return true;
}

ktrdr::Json to_json(const Averaged& averaged, std::uint64_t points, std::uint64_t window,
                    std::chrono::steady_clock::time_point started) {
  const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - started;
  ktrdr::Json json = ktrdr::Json::object();
  json.set("points", points)
      .set("window", window)
      .set("processed", averaged.processed)
      .set("averages", averaged.averages)
      .set("last_average", averaged.last_average)
      .set("seconds", seconds.count());
  return json;
}

}  // namespace

TemplateManager::TemplateManager(ktrdr::HostServices services)
    : ServiceOrchestrator(services, "TEMPLATE", kDefaultHostServiceUrl,
                          std::make_shared<TemplateProgressRenderer>()) {}

ktrdr::ParamSchema TemplateManager::schema() {
  ktrdr::ParamSchema schema;
  schema.add({.name = "points",
              .type = ktrdr::ParamType::kInteger,
              .required = true,
              .description = "prices in the series",
              .minimum = 2,
              .maximum = 1e10});
  schema.add({.name = "window",
              .type = ktrdr::ParamType::kInteger,
              .default_value = ktrdr::Json::integer(20),
              .description = "prices each average covers",
              .minimum = 1,
              .maximum = 1e6});
  schema.add({.name = "start",
              .type = ktrdr::ParamType::kNumber,
              .default_value = ktrdr::Json::number(100.0),
              .description = "the first price"});
  schema.add({.name = "slope",
              .type = ktrdr::ParamType::kNumber,
              .default_value = ktrdr::Json::number(0.5),
              .description = "what each price adds to the one before"});
  schema.check([](const ktrdr::Json& params) -> std::optional<ktrdr::Error> {
    const auto points = params.get_int("points").value_or(0);
    const auto window = params.get_int("window").value_or(0);
    if (window < points) return std::nullopt;
    return ktrdr::Error::invalid_argument("`window` (" + std::to_string(window) +
                                              ") must be smaller than `points` (" +
                                              std::to_string(points) + ")",
                                          {{"field", "window"}});
  });
  return schema;
}

ktrdr::Result<std::string> TemplateManager::start_moving_average(
    const ktrdr::OperationRequest& request) {
  return start_managed_operation(request, &TemplateManager::moving_average);
}

ktrdr::Json TemplateManager::moving_average(ktrdr::OperationContext& context) {
  const auto started = std::chrono::steady_clock::now();
  const ktrdr::Json& params = context.params();
  const auto points = static_cast<std::uint64_t>(*params.get_int("points"));
  const auto window = static_cast<std::uint64_t>(*params.get_int("window"));
  const PriceRamp prices{*params.get_number("start"), *params.get_number("slope")};

  // The context is what the renderer reads; the steps are sized by the points each handles.
  ktrdr::Json progress_context = ktrdr::Json::object();
  progress_context.set("operation", "moving_average").set("points", points).set("window", window);
  context.reporter().set_context(std::move(progress_context));
  const ktrdr::PhasePlan steps(context.progress(),
                               {{kFillStep, static_cast<double>(window)},
                                {kSlideStep, static_cast<double>(points - window)}});

  MovingAverage average(window);
  Averaged averaged;
  const bool finished =
      feed(average, prices, 0, window, steps.enter(0), context.token(), averaged) &&
      feed(average, prices, window, points, steps.enter(1), context.token(), averaged);
  ktrdr::Json result = to_json(averaged, points, window, started);
  if (!finished) {
    // Keep what was done: the operation ends cancelled with this as its result.
    context.set_partial_result(result);
    context.token().throw_if_cancelled("template.moving_average chunk loop");
  }
  return result;
}

}  // namespace template_plugin
