using HybridLogging;

// Lets a destination declared in configuration with "Type": "Console" find this package's factory without code.
[assembly: LogSinkFactory(typeof(ConsoleSinkFactory))]
