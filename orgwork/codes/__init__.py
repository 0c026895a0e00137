"""Reference code sets (代码表): 民族, 学历, 学位, 政治面貌, 职务层次… loaded from ``seeds/data/reference``."""
