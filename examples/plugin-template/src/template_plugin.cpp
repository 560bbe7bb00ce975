// The template plugin's two exports: its descriptor (read by the engine before loading) and its
// register function.
#include <memory>

#include "ktrdr/sdk/plugin_api.hpp"
#include "template_manager.hpp"

// The plugin's name ("template"), its version, and every kind it registers, comma-separated.
KTRDR_PLUGIN_DESCRIPTOR("template", KTRDR_TEMPLATE_VERSION, "template.moving_average");

extern "C" KTRDR_PLUGIN_EXPORT void ktrdr_plugin_register(ktrdr::PluginRegistrar& registrar) {
  auto manager = std::make_shared<template_plugin::TemplateManager>(registrar.host());
  ktrdr::register_domain<template_plugin::TemplateManager>(
      registrar, manager,
      {.name = "TemplateAdapter",
       .description = "averages in-process, or on `ktrdr serve --plugin template`"},
      {{.kind = template_plugin::kMovingAverageKind,
        .description = "Moving average over a synthetic price ramp",
        .schema = template_plugin::TemplateManager::schema(),
        .start = &template_plugin::TemplateManager::start_moving_average}});
}
