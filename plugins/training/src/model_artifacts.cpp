#include "model_artifacts.hpp"

#include <signal.h>
#include <torch/version.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <random>
#include <system_error>

#include "ktrdr/sdk/file_io.hpp"
#include "ktrdr/sdk/time_format.hpp"
#include "ktrdr/sdk/version.hpp"
#include "model_io.hpp"

namespace ktrdr::training {
namespace {

namespace fs = std::filesystem;

constexpr const char* kModelFile = "model.pt";
constexpr const char* kStrategyFile = "strategy.yaml";
constexpr const char* kFeaturesFile = "features.json";
constexpr const char* kLatest = "latest";

Error io_error(const std::string& what, const fs::path& path, const std::error_code& ec) {
  return Error::io(what + " " + path.string() + ": " + ec.message(), {{"file", path.string()}});
}

// A strategy name as a directory name: anything but [A-Za-z0-9._-] becomes '_'.
std::string directory_name(const std::string& name) {
  std::string out = name.empty() ? "strategy" : name;
  for (char& c : out) {
    const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '.' || c == '_' || c == '-';
    if (!safe) c = '_';
  }
  if (out.front() == '.') out.front() = '_';
  return out;
}

// The highest N of "<stem>_v<N>" entries in `dir` (0 when none).
int highest_version(const fs::path& dir, const std::string& stem) {
  int highest = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const std::string prefix = stem + "_v";
    if (!name.starts_with(prefix)) continue;
    int version = 0;
    const char* begin = name.data() + prefix.size();
    const char* end = name.data() + name.size();
    if (auto [ptr, err] = std::from_chars(begin, end, version); err == std::errc() && ptr == end) {
      highest = std::max(highest, version);
    }
  }
  return highest;
}

Result<void> write_json(const fs::path& file, const Json& json) {
  return replace_file_atomically(file, json.dump_pretty() + "\n");
}

Result<void> write_contents(const fs::path& dir, const ArtifactContents& contents) {
  if (auto saved = save_model(contents.training->model, dir / kModelFile); !saved) return saved;
  auto strategy_text = read_whole_file(contents.strategy->source_file);
  if (!strategy_text) return std::move(strategy_text).error();
  if (auto saved = replace_file_atomically(dir / kStrategyFile, *strategy_text); !saved) {
    return saved;
  }
  std::vector<std::string> timeframes;
  for (const Timeframe tf : contents.timeframes) timeframes.emplace_back(to_string(tf));
  Json features = Json::object();
  features.set("feature_names", contents.feature_names)
      .set("symbols", contents.symbols)
      .set("timeframes", timeframes);
  if (contents.scaler) features.set("scaler", contents.scaler->to_json());
  if (auto saved = write_json(dir / kFeaturesFile, features); !saved) return saved;

  const Json training = contents.training->to_json();
  if (auto saved = write_json(dir / "history.json", training.at("history")); !saved) return saved;
  Json metrics = Json::object();
  metrics.set("test", contents.test_metrics.to_json());
  if (auto saved = write_json(dir / "metrics.json", metrics); !saved) return saved;

  Json metadata = contents.metadata;
  metadata.set("strategy", contents.strategy->name)
      .set("ktrdr_version", KTRDR_SDK_VERSION)
      .set("libtorch_version", std::to_string(TORCH_VERSION_MAJOR) + "." +
                                   std::to_string(TORCH_VERSION_MINOR) + "." +
                                   std::to_string(TORCH_VERSION_PATCH))
      .set("created_at", to_iso8601(std::chrono::system_clock::now()))
      .set("device", contents.training->device)
      .set("threads", training.at("threads"))
      .set("architecture", training.at("architecture"))
      .set("best_epoch", contents.training->best_epoch)
      .set("epochs_run", contents.training->epochs_run)
      .set("stopped_early", contents.training->stopped_early);
  return write_json(dir / "metadata.json", metadata);
}

// Removes `.tmp-<stem>-<pid>-<n>` directories whose process is gone (a run killed while
// saving); those of live processes are theirs.
void remove_stale_temp_directories(const fs::path& dir) {
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    const std::string name = item.path().filename().string();
    if (!name.starts_with(".tmp-") || !item.is_directory(ec) || item.is_symlink(ec)) continue;
    const auto pid_end = name.rfind('-');
    const auto pid_begin = pid_end == std::string::npos ? pid_end : name.rfind('-', pid_end - 1);
    if (pid_begin == std::string::npos) continue;
    pid_t pid = 0;
    const char* first = name.data() + pid_begin + 1;
    const char* last = name.data() + pid_end;
    if (auto [end, err] = std::from_chars(first, last, pid);
        err != std::errc() || end != last || pid <= 0) {
      continue;
    }
    if (::kill(pid, 0) != 0 && errno == ESRCH) fs::remove_all(item.path(), ec);
  }
}

// Points `<dir>/latest` at `target` (a name inside `dir`), replacing any old link atomically.
Result<void> link_latest(const fs::path& dir, const std::string& target) {
  const fs::path temp = dir / (std::string(".latest.") + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove(temp, ec);
  fs::create_directory_symlink(target, temp, ec);
  if (ec) return io_error("cannot link", temp, ec);
  fs::rename(temp, dir / kLatest, ec);
  if (ec) return io_error("cannot replace", dir / kLatest, ec);
  return {};
}

Result<std::vector<std::string>> strings_of(const Json& json, std::string_view key,
                                            const fs::path& file) {
  const Json value = json.at(key);
  if (!value.is_array() || value.as_string_array().size() != value.size()) {
    return Error::parse(file.string() + ": `" + std::string(key) + "` is not a list of strings",
                        {{"file", file.string()}, {"field", std::string(key)}});
  }
  return value.as_string_array();
}

}  // namespace

std::string model_stem(const std::vector<std::string>& symbols,
                       const std::vector<Timeframe>& timeframes) {
  std::string stem;
  for (const auto& symbol : symbols) stem += (stem.empty() ? "" : "-") + symbol;
  stem += "_";
  for (std::size_t i = 0; i < timeframes.size(); ++i) {
    stem += (i == 0 ? "" : "-") + std::string(to_string(timeframes[i]));
  }
  return stem;
}

Result<fs::path> save_artifacts(const fs::path& models_dir, const ArtifactContents& contents,
                                const CancellationToken& token) {
  const fs::path dir = models_dir / directory_name(contents.strategy->name);
  const std::string stem = model_stem(contents.symbols, contents.timeframes);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return io_error("cannot create", dir, ec);
  remove_stale_temp_directories(dir);

  std::mt19937_64 random(std::random_device{}());
  const fs::path temp =
      dir / (".tmp-" + stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
  fs::create_directory(temp, ec);
  if (ec) return io_error("cannot create", temp, ec);
  if (auto written = write_contents(temp, contents); !written) {
    fs::remove_all(temp, ec);
    return std::move(written).error();
  }
  // The last moment a cancel is honoured: past the rename the model is published.
  if (token.is_cancelled()) {
    fs::remove_all(temp, ec);
    return Error::cancelled("training: cancelled before the model was published");
  }
  // Another run may take the same version at the same time: the rename then fails, try the next.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const std::string name = stem + "_v" + std::to_string(highest_version(dir, stem) + 1);
    fs::rename(temp, dir / name, ec);
    if (!ec) {
      if (auto linked = link_latest(dir, name); !linked) return std::move(linked).error();
      return dir / name;
    }
    if (ec != std::errc::directory_not_empty && ec != std::errc::file_exists) break;
  }
  const Error error = io_error("cannot move the model into", dir, ec);
  fs::remove_all(temp, ec);
  return error;
}

Result<SavedModel> load_artifacts(const fs::path& path, DeviceKind device) {
  std::error_code ec;
  fs::path dir = path;
  if (!fs::exists(dir / kModelFile, ec) && fs::exists(dir / kLatest, ec)) {
    dir = fs::canonical(dir / kLatest, ec);
  }
  if (!fs::exists(dir / kModelFile, ec)) {
    return Error::not_found("no model at " + path.string() + " (expected " + kModelFile +
                                " there, or a `latest` link to a model directory)",
                            {{"file", path.string()}, {"field", "model"}});
  }
  SavedModel saved;
  saved.directory = dir;
  auto strategy = Strategy::load(dir / kStrategyFile);
  if (!strategy) return std::move(strategy).error();
  saved.strategy = std::move(strategy).value();

  const fs::path features_file = dir / kFeaturesFile;
  auto text = read_whole_file(features_file);
  if (!text) return std::move(text).error();
  auto features = Json::parse(*text);
  if (!features) {
    return Error::parse(features_file.string() + ": " + features.error().message,
                        {{"file", features_file.string()}});
  }
  auto names = strings_of(*features, "feature_names", features_file);
  if (!names) return std::move(names).error();
  saved.feature_names = std::move(names).value();
  auto symbols = strings_of(*features, "symbols", features_file);
  if (!symbols) return std::move(symbols).error();
  saved.symbols = std::move(symbols).value();
  auto timeframes = strings_of(*features, "timeframes", features_file);
  if (!timeframes) return std::move(timeframes).error();
  for (const std::string& name : *timeframes) {
    auto tf = parse_timeframe(name);
    if (!tf) return std::move(tf).error();
    saved.timeframes.push_back(*tf);
  }
  if (features->has("scaler")) {
    auto scaler = FeatureScaler::from_json(features->at("scaler"));
    if (!scaler) return std::move(scaler).error();
    saved.scaler = std::move(scaler).value();
  }
  auto model = load_model(dir / kModelFile, device);
  if (!model) return std::move(model).error();
  saved.model = std::move(model).value();
  return saved;
}

}  // namespace ktrdr::training
