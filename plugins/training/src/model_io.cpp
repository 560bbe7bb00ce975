#include "model_io.hpp"

#include <algorithm>
#include <string>
#include <system_error>
#include <torch/serialize.h>
#include <torch/torch.h>
#include <utility>

namespace ktrdr::training {
namespace {

namespace fs = std::filesystem;

// Keys beside the module's own ("linear0.weight" …), so torch::load(module, file) also reads
// a model file into a module built with the same architecture.
constexpr const char* kFormatKey = "ktrdr.model_format";
constexpr const char* kArchitectureKey = "ktrdr.architecture";
constexpr std::int64_t kFormat = 1;

Error with_file(Error error, const fs::path& file) {
  return std::move(error.with("file", file.string()));
}

}  // namespace

Result<void> save_model(const MlpModel& model, const fs::path& file) {
  fs::path temporary = file;
  temporary += ".tmp";
  try {
    torch::serialize::OutputArchive archive;
    model->save(archive);
    archive.write(kFormatKey, c10::IValue(kFormat));
    archive.write(kArchitectureKey, c10::IValue(model->architecture().to_json().dump()));
    archive.save_to(temporary.string());
  } catch (const c10::Error& e) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    return with_file(Error::io("cannot write the model file " + file.string() + ": " +
                               e.what_without_backtrace()),
                     file);
  }
  std::error_code error;
  fs::rename(temporary, file, error);
  if (error) {
    fs::remove(temporary, error);
    return with_file(Error::io("cannot write the model file " + file.string() + ": " +
                               error.message()),
                     file);
  }
  return {};
}

Result<MlpModel> load_model(const fs::path& file, DeviceKind device) {
  auto resolved = resolve_device(device);
  if (!resolved) return std::move(resolved).error();
  std::error_code error;
  if (!fs::is_regular_file(file, error)) {
    return with_file(Error::io("no model file at " + file.string()), file);
  }
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(file.string(), *resolved);
    c10::IValue format;
    c10::IValue text;
    if (!archive.try_read(kFormatKey, format) || !format.isInt() ||
        format.toInt() != kFormat || !archive.try_read(kArchitectureKey, text) ||
        !text.isString()) {
      return with_file(Error::parse(file.string() + " is not a ktrdr model file (format " +
                                    std::to_string(kFormat) + ")"),
                       file);
    }
    auto json = Json::parse(text.toStringRef());
    if (!json) return with_file(std::move(json).error(), file);
    auto architecture = MlpArchitecture::from_json(*json);
    if (!architecture) return with_file(std::move(architecture).error(), file);

    MlpModel model(std::move(*architecture), 0);
    model->to(*resolved);
    // Reading a tensor replaces the module's tensor with the stored one whatever its shape, so
    // the shapes the architecture implies are checked afterwards.
    std::vector<std::vector<std::int64_t>> expected;
    for (const torch::Tensor& p : model->parameters()) expected.push_back(p.sizes().vec());
    model->load(archive);
    const std::vector<torch::Tensor> loaded = model->parameters();
    for (std::size_t i = 0; i < loaded.size(); ++i) {
      if (loaded[i].sizes().vec() != expected[i]) {
        return with_file(Error::parse(file.string() +
                                      ": the stored weights do not match the stored architecture"),
                         file);
      }
    }
    model->eval();
    return model;
  } catch (const c10::Error& e) {
    return with_file(Error::parse("cannot read the model file " + file.string() + ": " +
                                  e.what_without_backtrace()),
                     file);
  }
}

Result<std::vector<std::int64_t>> predict(const MlpModel& model, const FeatureMatrix& rows,
                                          std::int64_t batch_rows) {
  const auto count = static_cast<std::int64_t>(rows.rows());
  const auto cols = static_cast<std::int64_t>(rows.cols());
  if (cols != model->architecture().inputs) {
    return Error::invalid_argument("the rows have " + std::to_string(cols) +
                                   " features; the model takes " +
                                   std::to_string(model->architecture().inputs));
  }
  if (rows.values.size() != rows.rows() * rows.cols()) {
    return Error::invalid_argument(std::to_string(rows.values.size()) + " values for " +
                                   std::to_string(count) + " rows of " + std::to_string(cols) +
                                   " features");
  }
  std::vector<std::int64_t> labels(rows.rows());
  if (count == 0) return labels;
  const std::shared_ptr<MlpModelImpl>& module = model.ptr();
  const bool was_training = module->is_training();
  batch_rows = std::max<std::int64_t>(batch_rows, 1);
  try {
    torch::NoGradGuard no_grad;
    module->eval();
    const torch::Device device = module->parameters().front().device();
    auto ids = symbol_ids(module->architecture(), rows, device);
    if (!ids) {
      module->train(was_training);
      return std::move(ids).error();
    }
    const torch::Tensor x =
        torch::from_blob(const_cast<float*>(rows.values.data()), {count, cols},
                         torch::TensorOptions().dtype(torch::kFloat32))
            .to(device);
    const torch::Tensor out = torch::from_blob(labels.data(), {count},
                                               torch::TensorOptions().dtype(torch::kInt64));
    for (std::int64_t begin = 0; begin < count; begin += batch_rows) {
      const std::int64_t n = std::min(batch_rows, count - begin);
      out.narrow(0, begin, n)
          .copy_(module
                     ->forward(x.narrow(0, begin, n),
                               ids->defined() ? ids->narrow(0, begin, n) : torch::Tensor())
                     .argmax(1));
    }
  } catch (const c10::Error& e) {
    module->train(was_training);
    return Error::internal(std::string("LibTorch failed while predicting: ") +
                           e.what_without_backtrace());
  }
  module->train(was_training);
  return labels;
}

Result<ClassificationMetrics> evaluate(const MlpModel& model, const FeatureMatrix& rows) {
  auto predictions = predict(model, rows);
  if (!predictions) return std::move(predictions).error();
  return compute_classification_metrics(*predictions, rows.labels);
}

}  // namespace ktrdr::training
