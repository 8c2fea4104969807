namespace HybridLogging.Internal;

/// <summary>Enabled compiled filters of a stream or destination: passes an entry that any passes; empty passes all.</summary>
internal sealed class FilterSet
{
    public static readonly FilterSet PassAll = new([]);

    private readonly CompiledFilter[] _filters;

    public FilterSet(CompiledFilter[] filters) => _filters = filters;

    public static FilterSet Compile(IEnumerable<LogFilter> filters)
    {
        var compiled = filters.Where(f => f.Enabled).Select(f => new CompiledFilter(f)).ToArray();
        return compiled.Length == 0 ? PassAll : new FilterSet(compiled);
    }

    public bool Matches(LogEntryView entry)
    {
        var filters = _filters;
        if (filters.Length == 0)
        {
            return true;
        }

        foreach (var filter in filters)
        {
            if (filter.Matches(entry))
            {
                return true;
            }
        }

        return false;
    }
}
