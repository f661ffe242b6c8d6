/**
 * The extractor behind checks/data/config-keys.json, on small pieces written
 * the way Xen's files are: what it must take as a key, and what it must not.
 */
import t from 'tap';
import { pathToFileURL } from 'node:url';
import { fromRoot } from '../helpers/paths.js';

// A plain .mjs script, loaded from the source tree (the compiled tests live elsewhere).
const script = (await import(pathToFileURL(fromRoot('checks/data/build-key-table.mjs')).href)) as {
  xlKeys: (src: string) => { keys: string[]; unresolved: string[] };
  xmKeys: (src: string) => { keys: string[]; commandLineOnly: string[] };
  format: (table: object) => string;
};
const extractXl = script.xlKeys;
const extractXm = script.xmKeys;

const XL = `
static void parse_top_level_vnc_options(XLU_Config *config, libxl_vnc_info *vnc)
{
    long l;
    xlu_cfg_get_defbool(config, "vnc", &vnc->enable, 0);
    xlu_cfg_replace_string (config, "vnclisten", &vnc->listen, 0);
}

static int lookup_key(XLU_Config *config, const char *key, long *l)
{
    return xlu_cfg_get_long(config, key, l, 0);
}

int parse_nic_config(libxl_device_nic *nic, XLU_Config **config, char *token)
{
    if (MATCH_OPTION("bridge", token, oparg)) { }   /* a vif spec option */
    return 0;
}

void parse_config_data(const char *config_source, const char *config_data,
                       int config_len, libxl_domain_config *d_config)
{
    XLU_Config *config;
    XLU_ConfigList *vifs;
    long l;
    char *buf; /* xlu_cfg_get_string(config, "commented", &buf, 0) */
    if (!xlu_cfg_get_long (config, "memory", &l, 0)) { }
    // xlu_cfg_get_long(config, "also_commented", &l, 0);
    if (!xlu_cfg_get_list (config, "vif", &vifs, 0, 0)) {
        while ((buf = xlu_cfg_get_listitem (vifs, 0)) != NULL) parse_nic_config(NULL, &config, buf);
    }
    parse_top_level_vnc_options(config, NULL);
    lookup_key(config, "stubdomain_memory", &l);
    fprintf(stderr, "xlu_cfg_get_long(config, \\"in_a_string\\")");
#define parse_extra_args(type)                                            \\
    e = xlu_cfg_get_list_as_string_list(config, "device_model_args"#type, \\
                                    &b_info->extra##type, 0);
    parse_extra_args();
    parse_extra_args(_hvm);
#undef parse_extra_args
}

static void cpupool_create(XLU_Config *config)
{
    xlu_cfg_get_string (config, "sched", &buf, 0);   /* cpupool config, not a domain key */
}
`;

t.test('xl: keys of parse_config_data and what it calls, nothing else', async (t) => {
  const { keys, unresolved } = extractXl(XL);
  t.same(keys, ['device_model_args', 'device_model_args_hvm', 'memory', 'stubdomain_memory', 'vif', 'vnc', 'vnclisten']);
  t.same(unresolved, []);
});

t.test('xl: 4.0 called the entry point parse_config_file', async (t) => {
  const { keys } = extractXl(XL.replace('void parse_config_data(', 'void parse_config_file('));
  t.ok(keys.includes('memory'));
  t.throws(() => extractXl('static void other(XLU_Config *config) { xlu_cfg_get_long(config, "memory", &l, 0); }'), /none of parse_config_data, parse_config_file/);
});

t.test('xl: a key that is not a literal is reported, not guessed', async (t) => {
  const { keys, unresolved } = extractXl('void parse_config_data(void) { xlu_cfg_get_long(config, names[i], &l, 0); }');
  t.same(keys, []);
  t.match(unresolved, [/parse_config_data: xlu_cfg_get_long\(config, names\[i\], &l, 0\)/]);
});

t.test('xm: gopts.var and gopts.opt a config can set, and undeclared vals lookups', async (t) => {
  const py = [
    "gopts.opt('help', short='h',",
    "gopts.opt('vncviewer-autopass',",
    "gopts.var('memory', val='MEMORY',",
    "gopts.var('on_xend_stop', val='ignore|shutdown|suspend',",
    '    # gopts.var(\'indented\' is not a top-level declaration',
    "        if hasattr(vals, 'maxvcpus'):",
    "            maxvcpus = getattr(vals, 'maxvcpus')",
  ].join('\n');
  const { keys, commandLineOnly } = extractXm(py);
  t.same(keys, ['help', 'maxvcpus', 'memory', 'on_xend_stop']);
  t.same(commandLineOnly, ['vncviewer-autopass']);
});

t.test('the table keeps a key as one line: name, first and last release, then the releases between that miss it', async (t) => {
  const release = { version: '4.0', tag: 'RELEASE-4.0.0', file: 'tools/libxl/xl.c', count: 2 };
  const text = script.format({
    $comment: 'c',
    xl: { releases: [release], keys: { memory: { first: '4.0', last: '4.22' }, cap: { first: '4.2', last: '4.9', missing: ['4.4', '4.5'] } } },
    xm: { releases: [], keys: {} },
  });
  const table = JSON.parse(text) as { xl: { keys: string[] }; xm: { keys: string[] } };
  t.same(table.xl.keys, ['memory 4.0 4.22', 'cap 4.2 4.9 4.4 4.5']);
  t.same(table.xm.keys, []);
  t.match(text, /\n {6}"memory 4\.0 4\.22",\n {6}"cap 4\.2 4\.9 4\.4 4\.5"\n {4}\]/, 'one key a line');
});
