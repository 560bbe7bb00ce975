#include "feature_importance.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <algorithm>
#include <string>
#include <torch/torch.h>

namespace ktrdr::training {
namespace {

constexpr std::int64_t kChunkRows = 8192;  // rows per forward pass

}  // namespace

Json FeatureImportance::to_json() const {
  Json json = Json::object();
  json.set("name", name);
  json.set("accuracy_drop", accuracy_drop);
  json.set("loss_increase", loss_increase);
  return json;
}

Json PermutationImportance::to_json() const {
  Json json = Json::object();
  json.set("rows", rows);
  json.set("accuracy", accuracy);
  json.set("loss", loss);
  Json list = Json::array();
  for (const FeatureImportance& feature : features) list.push_back(feature.to_json());
  json.set("features", list);
  return json;
}

Result<PermutationImportance> permutation_importance(const MlpModel& model,
                                                     const FeatureMatrix& rows,
                                                     std::uint64_t seed,
                                                     const CancellationToken& token) {
  if (rows.rows() == 0) return Error::invalid_argument("no rows to measure importance on");
  if (auto valid = check_rows(rows, "importance"); !valid) return std::move(valid).error();
  const auto cols = static_cast<std::int64_t>(rows.cols());
  if (cols != model->architecture().inputs) {
    return Error::invalid_argument("the rows have " + std::to_string(cols) +
                                   " features; the model takes " +
                                   std::to_string(model->architecture().inputs));
  }
  MlpModelImpl& module = *model.ptr();
  const bool was_training = module.is_training();
  PermutationImportance result;
  result.rows = static_cast<std::int64_t>(rows.rows());
  try {
    const torch::Device device = module.parameters().front().device();
    const auto [x_rows, y] = row_tensors(rows, device);
    auto ids = symbol_ids(module.architecture(), rows, device);
    if (!ids) return std::move(ids).error();
    // A copy whose columns are permuted one at a time (the matrix's own memory stays untouched).
    const torch::Tensor x = x_rows.clone();
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
    const torch::Tensor permutation =
        torch::randperm(result.rows, generator, torch::TensorOptions().dtype(torch::kInt64))
            .to(device);
    const auto evaluate = [&](const std::string& where) {
      return evaluate_rows(module, x, *ids, y, torch::Tensor(), kChunkRows, token, where);
    };
    const RowsEvaluation base = evaluate("feature importance: the rows as they are");
    result.accuracy = base.accuracy;
    result.loss = base.loss;
    for (std::int64_t c = 0; c < cols; ++c) {
      const std::string& name = rows.feature_names[static_cast<std::size_t>(c)];
      torch::Tensor column = x.select(1, c);
      const torch::Tensor original = column.clone();
      column.copy_(original.index_select(0, permutation));
      const RowsEvaluation permuted = evaluate("feature importance: column " + name);
      column.copy_(original);
      result.features.push_back({.name = name,
                                 .accuracy_drop = base.accuracy - permuted.accuracy,
                                 .loss_increase = permuted.loss - base.loss});
    }
  } catch (const c10::Error& e) {
    module.train(was_training);
    return Error::internal(std::string("LibTorch failed while measuring feature importance: ") +
                           e.what_without_backtrace());
  } catch (...) {
    module.train(was_training);
    throw;
  }
  module.train(was_training);
  std::stable_sort(result.features.begin(), result.features.end(),
                   [](const FeatureImportance& a, const FeatureImportance& b) {
                     if (a.accuracy_drop != b.accuracy_drop) {
                       return a.accuracy_drop > b.accuracy_drop;
                     }
                     return a.loss_increase > b.loss_increase;
                   });
  return result;
}

}  // namespace ktrdr::training
