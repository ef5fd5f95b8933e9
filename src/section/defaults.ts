/**
 * The default sections of 《信息摘编》 and their first rules, as data. Used when
 * the configuration has no `sections` key; config/digest.yaml shows how to
 * write your own.
 */
import type { SectionConfig } from '../types.ts';

/** Provinces, municipalities, autonomous regions and major cities (short names). */
export const CHINESE_PLACES = [
  '北京', '天津', '上海', '重庆', '河北', '山西', '辽宁', '吉林', '黑龙江', '江苏', '浙江', '安徽', '福建', '江西',
  '山东', '河南', '湖北', '湖南', '广东', '海南', '四川', '贵州', '云南', '陕西', '甘肃', '青海', '台湾', '内蒙古',
  '广西', '西藏', '宁夏', '新疆', '香港', '澳门', '广州', '深圳', '杭州', '南京', '苏州', '武汉', '成都', '西安',
  '郑州', '长沙', '青岛', '济南', '厦门', '宁波', '大连', '沈阳', '合肥', '福州', '无锡', '东莞', '佛山', '昆明',
  '哈尔滨', '长春', '石家庄', '太原', '南昌', '南宁', '贵阳', '兰州', '海口', '呼和浩特', '乌鲁木齐', '银川', '西宁',
  '拉萨', '雄安', '珠海', '温州', '常州', '南通', '烟台', '泉州', '徐州', '滨海新区',
];

/** Central bodies whose announcements are national, cross-sector policy. */
export const CENTRAL_BODIES = [
  '国务院', '中共中央', '中办', '国办', '两部门', '三部门', '四部门', '五部门', '六部门', '七部门', '八部门', '九部门',
  '十部门', '多部门', '发改委', '国家发改委', '财政部', '证监会', '国资委', '央行', '人民银行', '金融监管总局',
  '统计局', '国家统计局', '商务部', '税务总局', '外汇局', '全国人大', '国家数据局',
];

/** Ministries and agencies whose announcements are usually sector-specific. */
export const SECTOR_BODIES = [
  '工信部', '市监局', '市场监管总局', '药监局', '国家药监局', '国家能源局', '能源局', '交通运输部', '农业农村部',
  '住建部', '生态环境部', '科技部', '教育部', '卫健委', '民航局', '网信办', '知识产权局', '标准委', '水利部', '自然资源部',
];

/** The four default sections, in issue order. */
export function defaultSections(): SectionConfig[] {
  return [
    {
      id: 'hot',
      title: '热点关注',
      rules: [
        { id: 'hot.central-bodies', issuers: CENTRAL_BODIES, priority: 10 },
        { id: 'hot.macro-data', titlePatterns: ['PMI', 'GDP', 'CPI', 'PPI', '社会消费品零售', '宏观'], priority: 20 },
      ],
    },
    {
      id: 'industry',
      title: '行业动向',
      rules: [
        { id: 'industry.sector-bodies', issuers: SECTOR_BODIES, priority: 30 },
        { id: 'industry.keywords', keywords: ['行业', '产业', '标准', '规范条件', '准入', '认证'], priority: 5 },
        // A catch-all: news that names no place, country or central body is usually industry news.
        { id: 'industry.other', priority: -100 },
      ],
    },
    {
      id: 'intl',
      title: '国际视野',
      rules: [
        { id: 'intl.foreign-media', issuerPatterns: ['^[\\p{Script=Han}]{1,3}媒$', '^外媒$'], priority: 40 },
        { id: 'intl.organisations', keywords: ['联合国', '世界银行', 'IMF', 'WTO', 'OECD', '东盟', '欧盟', '世贸组织'], priority: 15 },
        { id: 'intl.abroad', keywords: ['海外', '出海', '全球', '出口', '跨国'], priority: 8 },
      ],
    },
    {
      id: 'domestic',
      title: '国内动态',
      rules: [{ id: 'domestic.places', issuers: CHINESE_PLACES, priority: 35 }],
    },
  ];
}
